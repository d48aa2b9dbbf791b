package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * OpenAI message content (a string, or an array of typed parts) to Ollama's pair of a single
 * text and a list of bare base64 images. Text parts are joined with nothing in between because a
 * client may split one sentence across parts; inserting separators would change the prompt.
 */
final class MessageContentTranslator {
    record Content(String text, List<String> images) {}

    private MessageContentTranslator() {}

    static Content translate(JsonNode content, String param) {
        if (RequestField.isAbsent(content)) {
            // Assistant turns that only call tools legitimately have no content.
            return new Content("", List.of());
        }
        if (content.isTextual()) {
            return new Content(content.textValue(), List.of());
        }
        if (!content.isArray()) {
            throw RequestField.invalid("message content must be a string or an array of content parts", param);
        }
        StringBuilder text = new StringBuilder();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            String type = part.path("type").isTextual() ? part.get("type").textValue() : null;
            if (!part.isObject() || type == null) {
                throw RequestField.invalid("each content part must be an object with a string type", partParam);
            }
            switch (type) {
                case "text" -> text.append(RequestField.text(part.path("text"), partParam + ".text"));
                case "image_url" -> images.add(imageData(part.get("image_url"), partParam + ".image_url"));
                default ->
                    throw RequestField.invalid(
                            "content part type \"" + type + "\" is not supported by this model's backend",
                            partParam + ".type");
            }
        }
        return new Content(text.toString(), List.copyOf(images));
    }

    private static String imageData(JsonNode imageUrl, String param) {
        // The object form is OpenAI's; the bare string form is what Ollama's own layer also accepts.
        JsonNode url = imageUrl != null && imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
        String urlParam = imageUrl != null && imageUrl.isObject() ? param + ".url" : param;
        if (url == null || !url.isTextual()) {
            throw RequestField.invalid("image_url must carry a url string", urlParam);
        }
        String value = url.textValue();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            throw RequestField.invalid(
                    "remote image URLs are not supported because the gateway does not fetch "
                            + "URLs; send the image inline as a base64 data: URL",
                    urlParam);
        }
        int comma = value.indexOf(',');
        if (!lower.startsWith("data:")
                || comma < 0
                || !lower.substring(0, comma).endsWith(";base64")) {
            throw RequestField.invalid(
                    "image URLs must be base64 data: URLs such as " + "data:image/png;base64,...", urlParam);
        }
        String base64 = value.substring(comma + 1);
        if (base64.isEmpty()) {
            throw RequestField.invalid("the image data URL carries no data", urlParam);
        }
        return base64;
    }
}
