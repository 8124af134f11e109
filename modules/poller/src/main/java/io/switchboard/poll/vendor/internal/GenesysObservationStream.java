package io.switchboard.poll.vendor.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.switchboard.poll.vendor.internal.GenesysObservationMapper.Acc;
import io.switchboard.poll.vendor.internal.GenesysObservationMapper.Answer;
import io.switchboard.poll.vendor.internal.GenesysObservationMapper.QueueAcc;

/**
 * Reads a Genesys queue observations answer from a token stream into an {@link Answer}, reading values exactly as
 * {@link GenesysObservationMapper#map(com.fasterxml.jackson.databind.JsonNode, StatBase, List)} reads them from a
 * tree: {@link JsonValues} rules for text and numbers, the last of duplicate keys, and a shape error only for a body
 * that is complete JSON (the whole value and the absence of trailing tokens are checked first). One use per answer.
 */
final class GenesysObservationStream {

    private final JsonParser p;
    private final boolean longestRequested;

    /** The data of the result being read (metric, qualifier, value), reused from result to result. */
    private String[] dataMetric = new String[16];
    private String[] dataQualifier = new String[16];
    private long[] dataValue = new long[16];
    private int dataCount;
    /** Text values of this answer (metric names, qualifiers, media types, queue ids), each built once; bounded. */
    private final String[] pool = new String[POOL_SLOTS];
    private int pooled;
    private static final int POOL_SLOTS = 1024;
    private static final int POOL_MAX = POOL_SLOTS / 2;
    private static final int POOL_MAX_LENGTH = 64;

    GenesysObservationStream(JsonParser p, boolean longestRequested) {
        this.p = p;
        this.longestRequested = longestRequested;
    }

    /** The answer, or {@code null} when it has no (or a null) {@code results}. */
    Answer read() throws IOException {
        JsonToken root = p.nextToken();
        Answer answer = null;
        MappingException shape = null;
        if (root == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"results".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                answer = null; // the last "results" counts, as in a tree
                shape = null;
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (t != JsonToken.START_ARRAY) {
                    shape = GenesysObservationMapper.notAList(typeName(t));
                    p.skipChildren();
                    continue;
                }
                answer = new Answer(longestRequested);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (shape != null || !result(answer)) {
                        shape = GenesysObservationMapper.noQueueId();
                        p.skipChildren();
                    }
                }
            }
        } else if (root != null) {
            p.skipChildren();
        }
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after the answer's JSON value");
        }
        if (shape != null) {
            throw shape;
        }
        return answer;
    }

    /** One element of {@code results}, the parser on its first token; false when it names no queue. */
    private boolean result(Answer answer) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        String queueId = null;
        String mediaType = null;
        Long sequence = null;
        boolean hasData = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "group" -> {
                    queueId = null;
                    mediaType = null;
                    if (t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String g = p.currentName();
                            p.nextToken();
                            if (g.equals("queueId")) {
                                queueId = text();
                            } else if (g.equals("mediaType")) {
                                mediaType = text();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "simSequence" -> {
                    double d = number();
                    sequence = Double.isNaN(d) ? null : Math.round(d);
                }
                case "data" -> {
                    hasData = false; // the last "data" counts, as in a tree
                    dataCount = 0;
                    if (t == JsonToken.START_ARRAY) {
                        hasData = true;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            datum();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (queueId == null) {
            return false;
        }
        QueueAcc q = answer.queue(queueId, sequence);
        Acc acc = answer.acc(q, mediaType);
        if (hasData) {
            for (int i = 0; i < dataCount; i++) {
                answer.datum(q, acc, mediaType == null, dataMetric[i], dataQualifier[i], dataValue[i]);
            }
        }
        return true;
    }

    /** One element of {@code data}, the parser on its first token. */
    private void datum() throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String metric = null;
        String qualifier = null;
        boolean hasCount = false;
        double count = Double.NaN; // NaN: absent or not a number, as null in a tree read
        double calculated = Double.NaN;
        double max = Double.NaN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "metric" -> metric = text();
                case "qualifier" -> qualifier = text();
                case "stats" -> {
                    hasCount = false;
                    count = Double.NaN;
                    calculated = Double.NaN;
                    max = Double.NaN;
                    if (t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String s = p.currentName();
                            p.nextToken();
                            switch (s) {
                                case "count" -> {
                                    hasCount = true;
                                    count = number();
                                }
                                case "calculatedMetricValue" -> calculated = number();
                                case "max" -> max = number();
                                default -> p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (metric == null) {
            return;
        }
        double value = hasCount ? count : calculated;
        if (Double.isNaN(value)) {
            value = max;
        }
        if (!Double.isNaN(value)) {
            if (dataCount == dataValue.length) {
                dataMetric = java.util.Arrays.copyOf(dataMetric, dataCount * 2);
                dataQualifier = java.util.Arrays.copyOf(dataQualifier, dataCount * 2);
                dataValue = java.util.Arrays.copyOf(dataValue, dataCount * 2);
            }
            dataMetric[dataCount] = metric;
            dataQualifier[dataCount] = qualifier;
            dataValue[dataCount++] = Math.round(value);
        }
    }

    /** {@link JsonValues#asText} of the current value (skipped when it is an object or a list). */
    private String text() throws IOException {
        JsonToken t = p.currentToken();
        String s = switch (t) {
            case VALUE_STRING -> pooledText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue().toString() : Long.toString(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> Double.toString(p.getDoubleValue());
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            default -> {
                p.skipChildren();
                yield null;
            }
        };
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The current string value, the same String for the same text within this answer (metric names, qualifiers and
     * media types repeat in every result; a queue id in each of its results): built from the parser's characters once.
     */
    private String pooledText() throws IOException {
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        if (length > POOL_MAX_LENGTH) {
            return new String(chars, offset, length);
        }
        int h = 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + chars[offset + i];
        }
        int mask = POOL_SLOTS - 1;
        for (int slot = (h ^ (h >>> 16)) & mask; ; slot = (slot + 1) & mask) {
            String s = pool[slot];
            if (s == null) {
                s = new String(chars, offset, length);
                if (pooled < POOL_MAX) {
                    pool[slot] = s;
                    pooled++;
                }
                return s;
            }
            if (s.length() == length && s.hashCode() == h && equalsChars(s, chars, offset, length)) {
                return s;
            }
        }
    }

    private static boolean equalsChars(String s, char[] chars, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link JsonValues#asDouble} of the current value (skipped when it is an object or a list), {@code NaN} where that
     * gives null (no number, or not a finite one).
     */
    private double number() throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? new BigInteger(p.getText()).doubleValue()
                    : p.getDoubleValue();
            return Double.isFinite(d) ? d : Double.NaN;
        }
        if (t == JsonToken.VALUE_STRING) {
            Double d = JsonValues.parseNumber(p.getText());
            return d == null ? Double.NaN : d;
        }
        p.skipChildren();
        return Double.NaN;
    }

    private static String typeName(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> "pojo";
        };
    }
}
