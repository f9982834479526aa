package io.kayak.broker.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricSet;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * The process as Prometheus' process collector shows it, under {@code process.}: {@code open-fds}, {@code max-fds}
 * (Unix only), {@code cpu-seconds} (CPU time used by the JVM), {@code cpu-load} (recent share of the machine's
 * CPU, 0..1), {@code uptime-seconds}. Read from the JDK's operating-system MXBean on every read; a value the
 * platform does not offer reads as -1.
 */
public final class ProcessMetrics implements MetricSet {
    @Override
    public Map<String, Metric> getMetrics() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Map<String, Metric> m = new HashMap<>();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.put("process.open-fds", (Gauge<Long>) unix::getOpenFileDescriptorCount);
            m.put("process.max-fds", (Gauge<Long>) unix::getMaxFileDescriptorCount);
        }
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            m.put("process.cpu-seconds", (Gauge<Double>) () -> sun.getProcessCpuTime() < 0 ? -1 : sun.getProcessCpuTime() / 1e9);
            m.put("process.cpu-load", (Gauge<Double>) sun::getProcessCpuLoad);
        }
        m.put("process.uptime-seconds", (Gauge<Double>) () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1e3);
        return m;
    }
}
