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
