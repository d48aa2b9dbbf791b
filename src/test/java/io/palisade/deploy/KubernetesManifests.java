package io.palisade.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rendered Kubernetes manifests checked against the Kubernetes API's types (fabric8's kubernetes-model, generated
 * from the API's OpenAPI definitions): each document is read into the class of its apiVersion and kind, a wrong
 * type fails the read, and a field the API does not have — which the model keeps aside in "additionalProperties"
 * instead of refusing — is reported with its path.
 */
final class KubernetesManifests {
    /** The kinds the chart may render, by "apiVersion kind". Anything else is an error. */
    private static final Map<String, Class<?>> TYPES = Map.of(
            "apps/v1 Deployment", Deployment.class,
            "v1 Service", Service.class,
            "v1 ConfigMap", ConfigMap.class,
            "v1 Secret", Secret.class,
            "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1 NetworkPolicy", NetworkPolicy.class,
            "monitoring.coreos.com/v1 ServiceMonitor", ServiceMonitor.class,
            "monitoring.coreos.com/v1 PrometheusRule", PrometheusRule.class);

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** One rendered document: its kind and name, the tree as rendered, and the typed object. */
    record Manifest(String kind, String name, JsonNode tree, Object typed) {
        <T> T as(Class<T> type) {
            return type.cast(typed);
        }
    }

    /** The manifests of {@code rendered} (helm template's output), and every problem found reading them. */
    record Rendering(List<Manifest> manifests, List<String> problems) {
        Manifest one(String kind) {
            List<Manifest> found =
                    manifests.stream().filter(m -> m.kind().equals(kind)).toList();
            if (found.size() != 1) {
                throw new AssertionError("expected one " + kind + ", rendered " + found.size());
            }
            return found.get(0);
        }

        boolean has(String kind) {
            return manifests.stream().anyMatch(m -> m.kind().equals(kind));
        }
    }

    private KubernetesManifests() {}

    static Rendering read(String rendered) {
        List<Manifest> manifests = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            List<JsonNode> documents = new YAMLMapper()
                    .readerFor(JsonNode.class)
                    .<JsonNode>readValues(rendered)
                    .readAll();
            for (JsonNode document : documents) {
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                String kind = document.path("kind").asText();
                String name = document.path("metadata").path("name").asText();
                String where = kind + " " + name;
                Class<?> type = TYPES.get(document.path("apiVersion").asText() + " " + kind);
                if (type == null) {
                    problems.add(where + ": apiVersion " + document.path("apiVersion") + " kind " + kind
                            + " is not one the chart is known to render");
                    continue;
                }
                if (name.isEmpty()) {
                    problems.add(kind + ": no metadata.name");
                }
                try {
                    Object typed = STRICT.treeToValue(document, type);
                    unknownFields(typed, where, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
                    manifests.add(new Manifest(kind, name, document, typed));
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    problems.add(
                            where + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Rendering(manifests, problems);
    }

    /** Walks the typed model's getters; a non-empty additionalProperties anywhere is a field the API lacks. */
    private static void unknownFields(Object node, String path, List<String> problems, Set<Object> seen) {
        if (node == null || !node.getClass().getName().startsWith("io.fabric8.") || !seen.add(node)) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            String field = getter.getName().substring(3);
            if (field.equals("AdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": field(s) the Kubernetes API does not have: " + extra.keySet());
                }
                continue;
            }
            String child = path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1);
            if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    unknownFields(list.get(i), child + "[" + i + "]", problems, seen);
                }
            } else if (value instanceof Map<?, ?> map) {
                new LinkedHashMap<>(map).forEach((key, item) -> unknownFields(item, child + "." + key, problems, seen));
            } else {
                unknownFields(value, child, problems, seen);
            }
        }
    }
}
