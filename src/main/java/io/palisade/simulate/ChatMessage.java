package io.palisade.simulate;

/**
 * One turn of a conversation, reduced to what the generator reads: its role and its text. Images
 * and other non-text parts are accepted by the endpoints but do not take part in generation.
 *
 * @param role {@code system}, {@code user}, {@code assistant}, {@code tool}, or for raw
 *     completions {@code user} holding the whole prompt
 * @param content the text, empty when the turn has none
 */
record ChatMessage(String role, String content) {

    ChatMessage {
        role = role == null ? "user" : role;
        content = content == null ? "" : content;
    }
}
