package io.palisade.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.usage.TokenUsage;

/** A complete (non-streamed) answer in OpenAI's shape, with the usage the backend reported. */
public record UpstreamAnswer(ObjectNode body, TokenUsage usage) {}
