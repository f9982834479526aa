package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTest {
    @Test
    void tableAlignsColumnsUnderKebabCaseHeadersAndShowsAbsentValuesAsDash() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("partition", 0);
        a.put("logEndOffset", 1234567L);
        a.put("replicas", List.of(1, 2, 3));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("partition", 10);
        b.put("logEndOffset", null);
        b.put("replicas", List.of(3));
        assertEquals(String.join("\n",
                "PARTITION  LOG-END-OFFSET  REPLICAS",
                "0          1234567         1,2,3",
                "10         -               3", ""), Output.table(List.of(a, b)));
        assertEquals("", Output.table(List.of()));
    }

    @Test
    void jsonEscapesEverythingAParserNeeds() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quote\"back\\slash", "line\nbreak\ttab\u0001ctl é");
        m.put("list", new ArrayList<>(Arrays.asList(1, null, true, 2.5, List.of())));
        m.put("nested", Map.of("k", -1L));
        JsonNode n = new ObjectMapper().readTree(Output.json(m));
        assertEquals("line\nbreak\ttab\u0001ctl é", n.get("quote\"back\\slash").asText());
        assertEquals("[1,null,true,2.5,[]]", n.get("list").toString());
        assertEquals(-1L, n.get("nested").get("k").asLong());
    }
}
