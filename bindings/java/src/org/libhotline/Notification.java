package org.libhotline;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A reminder, breach or penalty to tell people about (guide-feed.md), with its
 * stable id and the cursor after it. {@code caseId} null: an
 * organisation-level obligation; {@code liable}: who is (or would be) charged
 * as of the instant (null entries: a role nobody holds); {@code due} for
 * reminders and breaches, {@code amountFen} for penalties. {@code json} is the
 * item's text.
 */
public record Notification(String id, String kind, OffsetDateTime instant, String caseId, String property,
	String rule, int article, Title title, List<String> liable, OffsetDateTime due, Long amountFen, String cursor,
	String json) {

	static Notification parse(JsonObject o) {
		OffsetDateTime instant = Docs.time(o, "instant");
		String id = Docs.string(o, "id");
		StringBuilder cursor = new StringBuilder("n1.").append(instant.toEpochSecond()).append('.');
		for (byte c : id.getBytes(StandardCharsets.UTF_8))
			cursor.append(String.format("%02x", c & 0xff));
		List<String> liable = new ArrayList<>();
		if (o.has("liable") && o.get("liable").isJsonArray())
			o.getAsJsonArray("liable").forEach(e -> liable.add(e.isJsonNull() ? null : e.getAsString()));
		return new Notification(id, Docs.string(o, "kind"), instant, Docs.string(o, "case"),
			Docs.string(o, "property"), Docs.string(o, "rule"), (int) Docs.number(o, "article"),
			Docs.as(o.get("title"), Title.class), Collections.unmodifiableList(liable), Docs.time(o, "due"),
			Docs.as(o.get("amount_fen"), Long.class), cursor.toString(), Docs.GSON.toJson(o));
	}
}
