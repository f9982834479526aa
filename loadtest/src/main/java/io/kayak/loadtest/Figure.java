package io.kayak.loadtest;

/**
 * One measured figure of one workload on one system: e.g. workload "produce acks=all 3p", metric "records/s
 * (steady)". {@code higherIsBetter} says which way the Kayak/Kafka ratio should lean.
 */
record Figure(String workload, String metric, double value, boolean higherIsBetter) {
}
