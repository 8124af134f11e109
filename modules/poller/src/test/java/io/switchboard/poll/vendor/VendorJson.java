package io.switchboard.poll.vendor;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small JSON helpers for tests. */
final class VendorJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private VendorJson() {
    }

    static JsonNode object(Map<String, JsonNode> fields) {
        ObjectNode o = JSON.createObjectNode();
        fields.forEach(o::set);
        return o;
    }
}
