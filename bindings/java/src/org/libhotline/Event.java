package org.libhotline;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;

/**
 * One immutable, hash-chained event of the log: its global {@code seq}, its
 * stream ({@code caseId} null: the organisation) and position
 * ({@code version}), the command's name, actor and instant ({@code at} null
 * for a directory line without one), its id (the command_id or the UUID the
 * library gave it; null for events logged before ids existed), the hashes,
 * and the accepted command as stored ({@code command}, canonical JSON;
 * {@code json} its text).
 */
public record Event(long seq, String caseId, long version, String name, String actor, OffsetDateTime at,
	String id, String prevHash, String hash, JsonObject command, String json) {

	static Event parse(JsonObject o, java.time.ZoneOffset zone) {
		JsonObject body = o.getAsJsonObject("command");
		long at = Docs.number(o, "at");
		String c = Docs.string(o, "case");
		return new Event(Docs.number(o, "seq"), c == null || c.isEmpty() ? null : c, Docs.number(o, "version"),
			Docs.string(o, "name"), emptyIsNull(Docs.string(o, "actor")),
			o.get("at").isJsonNull() ? null : java.time.Instant.ofEpochSecond(at).atOffset(zone),
			Docs.string(o, "id"), Docs.string(o, "prev_hash"), Docs.string(o, "hash"), body, Docs.GSON.toJson(body));
	}

	private static String emptyIsNull(String s) {
		return s == null || s.isEmpty() ? null : s;
	}
}
