package io.switchboard.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * Parses rendered Kubernetes manifests (a multi-document YAML stream, as {@code kubectl kustomize} prints
 * it) strictly into the fabric8 Kubernetes model and Strimzi's {@code io.strimzi:api} model.
 *
 * <p>Both models keep unknown fields in an {@code additionalProperties} map (a Jackson any-setter), which
 * would let a typo such as {@code livenesProbe} through. Here the any-setters are switched off and
 * {@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES} is on, so every field must exist in the model;
 * scalars are not coerced (a string is no number, a number no string), as the API server would refuse them
 * too. Only the kinds Switchboard deploys are accepted, each at one API version; a {@code Secret} is refused,
 * because secrets are referenced, never shipped.
 */
final class StrictManifests {

    /** apiVersion + "/" + kind -> model class. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class));

    /** A manifest that does not fit the model: which document, which resource, which field, what is wrong. */
    static final class InvalidManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper STRICT = strictMapper();

    private StrictManifests() {
    }

    /** Jackson for the model classes with unknown fields refused and no scalar coercion. */
    static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .annotationIntrospector(new JacksonAnnotationIntrospector() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public Boolean hasAnySetter(Annotated a) {
                        return Boolean.FALSE;
                    }

                    @Override
                    public boolean hasAnySetterAnnotation(AnnotatedMethod am) {
                        return false;
                    }

                    // Write every property back, defaults included, so lostValues can compare (Strimzi
                    // leaves out defaults such as patternType: literal).
                    @Override
                    public JsonInclude.Value findPropertyInclusion(Annotated a) {
                        return JsonInclude.Value.empty();
                    }
                })
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // The API server refuses "2" for an integer and 2 for a string; so does this mapper.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    /**
     * Parses every document of {@code yaml}.
     *
     * @param source where the text came from, named in errors (e.g. {@code kubectl kustomize deploy/k8s/overlays/dev})
     * @throws InvalidManifestException for the first document that does not fit its model
     */
    static List<HasMetadata> parse(String yaml, String source) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new InvalidManifestException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        List<HasMetadata> resources = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            resources.add(parseOne(docs.get(i), source + ", document " + (i + 1)));
        }
        return resources;
    }

    private static HasMetadata parseOne(JsonNode doc, String where) {
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        String name = doc.path("metadata").path("name").asText("(no name)");
        String what = where + " (" + apiVersion + " " + kind + " " + name + ")";
        if ("Secret".equals(kind)) {
            throw new InvalidManifestException(what + ": a Secret is shipped with the manifests; secrets must only be"
                    + " referenced (secretKeyRef / secret volumes) and created outside this repository", null);
        }
        Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new InvalidManifestException(what + ": kind " + apiVersion + "/" + kind + " is not one Switchboard deploys;"
                    + " known: " + KINDS.keySet().stream().sorted().collect(Collectors.joining(", ")), null);
        }
        try {
            HasMetadata model = STRICT.treeToValue(doc, type);
            List<String> lost = new ArrayList<>();
            lostValues(doc, STRICT.valueToTree(model), "", lost);
            if (!lost.isEmpty()) {
                throw new InvalidManifestException(what + ": " + String.join("; ", lost), null);
            }
            return model;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidManifestException(what + ": unknown field '" + path(e) + "' (not in " + e.getReferringClass().getSimpleName()
                    + "; known fields: " + known(e.getKnownPropertyIds()) + ")", e);
        } catch (JsonMappingException e) {
            throw new InvalidManifestException(what + ": field '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(what + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Values of the input that did not survive the model: Strimzi's enums read an unknown value (an ACL
     * operation {@code Reed}) as null instead of failing, and a field the model ignores is dropped. Writing
     * the model back and comparing finds both. Only what the input has is compared; defaults the model
     * adds are fine.
     */
    static void lostValues(JsonNode in, JsonNode out, String path, List<String> lost) {
        if (in == null || in.isNull()) {
            return;
        }
        if (out == null || out.isNull() || out.isMissingNode()) {
            lost.add("field '" + path + "': value " + abbreviate(in) + " is not understood by the model (read as nothing);"
                    + " check the spelling against the API reference");
            return;
        }
        if (in.isObject()) {
            in.fields().forEachRemaining(f -> lostValues(f.getValue(), out.get(f.getKey()),
                    path.isEmpty() ? f.getKey() : path + "." + f.getKey(), lost));
        } else if (in.isArray()) {
            for (int i = 0; i < in.size(); i++) {
                lostValues(in.get(i), out.get(i), path + "[" + i + "]", lost);
            }
        } else if (!in.asText().equals(out.asText())) {
            lost.add("field '" + path + "': value " + abbreviate(in) + " is read as " + abbreviate(out));
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** The JSON path of the failing field, e.g. {@code spec.template.spec.containers[0].livenesProbe}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "?" : ids.stream().map(String::valueOf).filter(s -> !s.equals("additionalProperties")).sorted()
                .collect(Collectors.joining(", "));
    }
}
