package org.libhotline;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;

/**
 * An event of the feed (guide-feed.md) with the cursor after it: store the
 * cursor once the event is handled. {@code stream} is the case id ("" for the
 * organisation stream), {@code at} null for a directory line, {@code body}
 * the command as stored (personal fields clear, masked or "[erased]").
 * {@code json} is the item's text.
 */
public record FeedEvent(long seq, String stream, long streamSeq, String cmd, String actor, OffsetDateTime at,
	String id, String hash, JsonObject body, String cursor, String json) {

	static FeedEvent parse(JsonObject o) {
		JsonObject body = o.get("body") != null && o.get("body").isJsonObject() ? o.getAsJsonObject("body") : null;
		long seq = Docs.number(o, "seq");
		return new FeedEvent(seq, Docs.string(o, "stream"), Docs.number(o, "stream_seq"), Docs.string(o, "cmd"),
			Docs.string(o, "actor"), Docs.time(o, "at"), Docs.string(o, "id"), Docs.string(o, "hash"), body,
			"f1." + seq, Docs.GSON.toJson(o));
	}
}
