package io.palisade.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A function call the simulated model decided to make.
 *
 * @param id call id, {@code call_} and eight hex digits, stable for the same request
 * @param name the function's name
 * @param arguments the arguments as a JSON object (Ollama sends it as is, OpenAI as a string)
 */
record ToolCall(String id, String name, ObjectNode arguments) {}
