# Produces and consumes through kafka-python (Debian python3-kafka 2.0.2), as KafkaPythonTest runs it:
#   python3 kafka_python_roundtrip.py <bootstrap> <topic> <records>
import sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bootstrap = sys.argv[1]
topic = sys.argv[2]
n = int(sys.argv[3])
p = KafkaProducer(bootstrap_servers=bootstrap, acks='all', retries=5)
futures = [p.send(topic, key=b'k%d' % (i % 5), value=b'v%d' % i, partition=0) for i in range(n)]
offsets = [f.get(timeout=60).offset for f in futures]
p.flush(); p.close()
assert offsets == list(range(offsets[0], offsets[0] + n)), offsets[:10]
c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=10000)
tp = TopicPartition(topic, 0)
c.assign([tp]); c.seek(tp, offsets[0])
got = []
for m in c:
    got.append(m.value)
    if len(got) == n:
        break
c.close()
assert got == [b'v%d' % i for i in range(n)], got[:10]
print("OK %d records from offset %d" % (n, offsets[0]))

# A consumer group at kafka-python's fixed old versions (FindCoordinator v0, JoinGroup v2, SyncGroup,
# Heartbeat and LeaveGroup v1, OffsetCommit v2, OffsetFetch v1): it reads everything and commits; a second
# member of the same group after it left starts at the committed offset and finds nothing new.
g = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id='py-group', auto_offset_reset='earliest',
                  enable_auto_commit=False, consumer_timeout_ms=20000)
values = []
for m in g:
    values.append(m.value)
    if len(values) == n:
        break
g.commit()
committed = g.committed(tp)
g.close()
assert values == [b'v%d' % i for i in range(n)], values[:10]
assert committed == offsets[0] + n, committed
again = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id='py-group', auto_offset_reset='earliest',
                      enable_auto_commit=False, consumer_timeout_ms=8000)
rest = [m.value for m in again]
again.close()
assert rest == [], rest[:10]
print("GROUP OK %d records, committed %d" % (len(values), committed))
