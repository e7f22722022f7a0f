package org.libhotline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The event feed and notifications (share/doc/hotline/guide-feed.md) as
 * iterators ({@link Database#follow} and {@link Database#notifications} are
 * the same). Each item carries the cursor that comes after it: store it once
 * the item is handled, and a restart goes on from there without skipping one.
 *
 * <pre>
 * for (FeedEvent ev : db.follow(storedCursor, 100, true)) {
 *     handle(ev);
 *     store(ev.cursor());
 * }
 * </pre>
 */
public final class Feed {
	private Feed() {
	}

	/** One page of the feed: hotline_db_feed's document (cursor null: from the first; limit 0: all). */
	public static String page(Database db, String cursor, int limit) {
		Database.required(db, "db");
		if (limit < 0)
			throw new InvalidException("limit must not be negative");
		return db.call(h -> h.feed(cursor, limit));
	}

	/** Waits up to timeoutMillis for an event after the cursor; true when there is one. */
	public static boolean await(Database db, String cursor, int timeoutMillis) {
		Database.required(db, "db");
		if (timeoutMillis < 0)
			throw new InvalidException("timeoutMillis must not be negative");
		return db.call(h -> h.feed_wait(cursor, timeoutMillis)) != 0;
	}

	/** One page of notifications up to `until`: hotline_db_notifications' document. */
	public static String notificationsPage(Database db, String cursor, Instant until, int limit) {
		Database.required(db, "db");
		long t = Database.seconds(until, "until");
		if (limit < 0)
			throw new InvalidException("limit must not be negative");
		return db.call(h -> h.notifications(cursor, t, limit));
	}

	/**
	 * The events after `cursor` (null: from the first), read `limit` at a
	 * time. With `wait` the iterator keeps waiting for the next commit, like
	 * tail -f; without it, it ends once it has caught up.
	 */
	public static Iterable<FeedEvent> follow(Database db, String cursor, int limit, boolean wait) {
		Database.required(db, "db");
		Database.positive(limit, "limit");
		return () -> new Pages<>(cursor, after -> Docs.object(page(db, after, limit)), "events", FeedEvent::parse) {
			@Override
			boolean caughtUp(String after) {
				if (!wait)
					return true;
				while (!await(db, after, 1000))
					;
				return false;
			}
		};
	}

	/** The notifications after `cursor` (null: from the first) up to `until`, read `limit` at a time. */
	public static Iterable<Notification> notifications(Database db, String cursor, Instant until, int limit) {
		Database.required(db, "db");
		Database.seconds(until, "until");
		Database.positive(limit, "limit");
		return () -> new Pages<>(cursor, after -> Docs.object(notificationsPage(db, after, until, limit)),
			"notifications", Notification::parse);
	}

	/* Pages of a document's array, one item at a time. */
	private static class Pages<T> implements Iterator<T> {
		private String cursor;
		private final Function<String, JsonObject> fetch;
		private final String key;
		private final Function<JsonObject, T> item;
		private List<JsonElement> page = new ArrayList<>();
		private int i;
		private boolean more = true;

		Pages(String cursor, Function<String, JsonObject> fetch, String key, Function<JsonObject, T> item) {
			this.cursor = cursor;
			this.fetch = fetch;
			this.key = key;
			this.item = item;
		}

		/* true: the iteration ends; false: there is more to fetch */
		boolean caughtUp(String after) {
			return true;
		}

		@Override
		public boolean hasNext() {
			while (i == page.size()) {
				if (!more && caughtUp(cursor))
					return false;
				JsonObject doc = fetch.apply(cursor);
				page = new ArrayList<>();
				doc.getAsJsonArray(key).forEach(page::add);
				i = 0;
				more = Docs.flag(doc, "more");
				cursor = Docs.string(doc, "cursor");
				if (page.isEmpty() && !more && caughtUp(cursor))
					return false;
			}
			return true;
		}

		@Override
		public T next() {
			if (!hasNext())
				throw new NoSuchElementException();
			return item.apply(page.get(i++).getAsJsonObject());
		}
	}
}
