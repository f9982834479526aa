package io.kayak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.storage.MetaProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {
    @TempDir
    Path tmp;

    private KayakConfig node(int id, String dirs) {
        return KayakConfig.of(tmp.resolve("server-" + id + ".properties"), Map.of(
                "node.id", Integer.toString(id),
                "listeners", "PLAINTEXT://127.0.0.1:9092",
                "controller.quorum.voters", "1@127.0.0.1:9192,2@127.0.0.1:9193",
                "log.dirs", dirs));
    }

    @Test
    void formatThenVerifyAndFormattingTwiceIsHarmless() throws IOException {
        KayakConfig c = node(1, "a,b");
        String id = MetaProperties.newClusterId();
        assertEquals(2, MetaProperties.format(c, id));
        assertEquals(0, MetaProperties.format(c, id));
        assertEquals(id, MetaProperties.verify(c));
    }

    @Test
    void anUnformattedDirRefusesStartAndSaysWhichCommandFixesIt() {
        IOException e = assertThrows(MetaProperties.StorageException.class, () -> MetaProperties.verify(node(1, "a")));
        assertTrue(e.getMessage().contains("kayak-admin.sh storage format --config"), e.getMessage());
    }

    @Test
    void anotherClusterOrNodeIsRefusedAndNothingIsOverwritten() throws IOException {
        MetaProperties.format(node(1, "a"), "clusterAAAA");
        IOException other = assertThrows(MetaProperties.StorageException.class,
                () -> MetaProperties.format(node(1, "a,b"), "clusterBBBB"));
        assertTrue(other.getMessage().contains("clusterAAAA"), other.getMessage());
        assertEquals("clusterAAAA", MetaProperties.verify(node(1, "a")), "the existing format is untouched");
        IOException wrongNode = assertThrows(MetaProperties.StorageException.class, () -> MetaProperties.verify(node(2, "a")));
        assertTrue(wrongNode.getMessage().contains("belongs to node 1"), wrongNode.getMessage());
        assertThrows(MetaProperties.StorageException.class, () -> MetaProperties.format(node(1, "c"), "bad id!"));
    }
}
