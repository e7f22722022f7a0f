package org.libhotline;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The event feed and notifications (share/doc/hotline/guide-feed.md) as
 * iterators. Each item is the JSON text of one event (or notification) with
 * the cursor that comes after it: store the cursor once the item is handled,
 * and a restart goes on from there without skipping one.
 *
 * <pre>
 * for (Feed.Item ev : Feed.follow(db, storedCursor, 100, true)) {
 *     handle(ev.json());
 *     store(ev.cursor());
 * }
 * </pre>
 */
public final class Feed {
	private Feed() {
	}

	/** One event or notification: its JSON text and the cursor after it. */
	public static final class Item {
		private final String json, cursor;

		Item(String json, String cursor) {
			this.json = json;
			this.cursor = cursor;
		}

		/** The item as JSON text (keys: share/doc/hotline/guide-feed.md). */
		public String json() {
			return json;
		}

		/** The cursor after this item. */
		public String cursor() {
			return cursor;
		}
	}

	/** One page of the feed: hotline_db_feed's document (cursor null: from the first; limit 0: all). */
	public static String page(Database db, String cursor, int limit) {
		return db.call(h -> h.feed(cursor, limit));
	}

	/** Waits up to timeoutMillis for an event after the cursor; true when there is one. */
	public static boolean await(Database db, String cursor, int timeoutMillis) {
		return db.call(h -> h.feed_wait(cursor, timeoutMillis)) != 0;
	}

	/** One page of notifications up to `until`: hotline_db_notifications' document. */
	public static String notificationsPage(Database db, String cursor, Instant until, int limit) {
		if (until == null)
			throw new InvalidException("until is null");
		return db.call(h -> h.notifications(cursor, until.getEpochSecond(), limit));
	}

	/**
	 * The events after `cursor` (null: from the first), read `limit` at a
	 * time. With `wait` the iterator keeps waiting for the next commit, like
	 * tail -f; without it, it ends once it has caught up.
	 */
	public static Iterable<Item> follow(Database db, String cursor, int limit, boolean wait) {
		if (limit < 1)
			throw new InvalidException("limit must be positive");
		return () -> new Pages(cursor) {
			@Override
			String fetch(String after) {
				return page(db, after, limit);
			}

			@Override
			boolean caughtUp(String after) {
				if (!wait)
					return true;
				while (!await(db, after, 1000))
					;
				return false;
			}

			@Override
			String key() {
				return "events";
			}

			@Override
			String cursorOf(String item) {
				return "f1." + Json.member(item, "seq");
			}
		};
	}

	/** The notifications after `cursor` (null: from the first) up to `until`, read `limit` at a time. */
	public static Iterable<Item> notifications(Database db, String cursor, Instant until, int limit) {
		if (limit < 1)
			throw new InvalidException("limit must be positive");
		return () -> new Pages(cursor) {
			@Override
			String fetch(String after) {
				return notificationsPage(db, after, until, limit);
			}

			@Override
			boolean caughtUp(String after) {
				return true;
			}

			@Override
			String key() {
				return "notifications";
			}

			@Override
			String cursorOf(String item) {
				long t = OffsetDateTime.parse(Json.string(Json.member(item, "instant"))).toEpochSecond();
				StringBuilder b = new StringBuilder("n1.").append(t).append('.');
				for (byte c : Json.string(Json.member(item, "id")).getBytes(StandardCharsets.UTF_8))
					b.append(String.format("%02x", c & 0xff));
				return b.toString();
			}
		};
	}

	/* Pages of a document's array, one item at a time. */
	private abstract static class Pages implements Iterator<Item> {
		private String cursor;
		private List<String> page = new ArrayList<>();
		private int i;
		private boolean more = true;

		Pages(String cursor) {
			this.cursor = cursor;
		}

		abstract String fetch(String after);

		/* true: the iteration ends; false: there is more to fetch */
		abstract boolean caughtUp(String after);

		abstract String key();

		abstract String cursorOf(String item);

		@Override
		public boolean hasNext() {
			while (i == page.size()) {
				if (!more && caughtUp(cursor))
					return false;
				String doc = fetch(cursor);
				page = Json.elements(Json.member(doc, key()));
				i = 0;
				more = "true".equals(Json.member(doc, "more"));
				cursor = Json.string(Json.member(doc, "cursor"));
				if (page.isEmpty() && !more && caughtUp(cursor))
					return false;
			}
			return true;
		}

		@Override
		public Item next() {
			if (!hasNext())
				throw new NoSuchElementException();
			String item = page.get(i++);
			return new Item(item, cursorOf(item));
		}
	}

	/* Just enough JSON for the library's documents: a member's raw text, an array's elements, a string. */
	static final class Json {
		private Json() {
		}

		/* The end (exclusive) of the value that starts at i. */
		private static int skip(String s, int i) {
			i = ws(s, i);
			char c = s.charAt(i);
			if (c == '"') {
				for (i++; s.charAt(i) != '"'; i++)
					if (s.charAt(i) == '\\')
						i++;
				return i + 1;
			}
			if (c == '{' || c == '[') {
				int depth = 0;
				for (; ; i++) {
					c = s.charAt(i);
					if (c == '"') {
						i = skip(s, i) - 1;
					} else if (c == '{' || c == '[') {
						depth++;
					} else if (c == '}' || c == ']') {
						if (--depth == 0)
							return i + 1;
					}
				}
			}
			while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0)
				i++;
			return i;
		}

		private static int ws(String s, int i) {
			while (i < s.length() && Character.isWhitespace(s.charAt(i)))
				i++;
			return i;
		}

		/* The raw text of a top-level member of an object, or null. */
		static String member(String obj, String name) {
			int i = ws(obj, 0) + 1;
			while (true) {
				i = ws(obj, i);
				if (obj.charAt(i) == '}')
					return null;
				int keyEnd = skip(obj, i);
				String key = string(obj.substring(i, keyEnd));
				int v = ws(obj, ws(obj, keyEnd) + 1);
				int end = skip(obj, v);
				if (key.equals(name))
					return obj.substring(v, end);
				i = ws(obj, end);
				if (obj.charAt(i) == ',')
					i++;
			}
		}

		/* The elements of an array, each as raw text. */
		static List<String> elements(String array) {
			List<String> out = new ArrayList<>();
			if (array == null)
				return out;
			int i = ws(array, 0) + 1;
			while (true) {
				i = ws(array, i);
				if (array.charAt(i) == ']')
					return out;
				int end = skip(array, i);
				out.add(array.substring(i, end));
				i = ws(array, end);
				if (array.charAt(i) == ',')
					i++;
			}
		}

		/* A JSON string's value (escapes decoded). */
		static String string(String text) {
			StringBuilder b = new StringBuilder();
			for (int i = 1; i < text.length() - 1; i++) {
				char c = text.charAt(i);
				if (c != '\\') {
					b.append(c);
					continue;
				}
				c = text.charAt(++i);
				switch (c) {
				case 'n': b.append('\n'); break;
				case 't': b.append('\t'); break;
				case 'r': b.append('\r'); break;
				case 'b': b.append('\b'); break;
				case 'f': b.append('\f'); break;
				case 'u': b.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16)); i += 4; break;
				default: b.append(c);
				}
			}
			return b.toString();
		}
	}
}
