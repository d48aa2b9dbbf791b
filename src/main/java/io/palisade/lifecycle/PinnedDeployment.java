package io.palisade.lifecycle;

import io.palisade.config.DeploymentConfig;
import io.palisade.config.ModelConfig;
import io.palisade.config.PalisadeConfig;
import java.util.ArrayList;
import java.util.List;

/** One deployment of a public model, as pins see it: the model's weighted deployments and its canary alike. */
public record PinnedDeployment(String model, DeploymentConfig deployment) {
    /** Every deployment of every configured model, in config order, each model's canary after its deployments. */
    public static List<PinnedDeployment> all(PalisadeConfig config) {
        List<PinnedDeployment> all = new ArrayList<>();
        for (ModelConfig model : config.models()) {
            for (DeploymentConfig deployment : model.deployments()) {
                all.add(new PinnedDeployment(model.name(), deployment));
            }
            if (model.canary() != null) {
                all.add(new PinnedDeployment(model.name(), model.canary().deployment()));
            }
        }
        return List.copyOf(all);
    }
}
