package org.libhotline;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedTest {
	static final Instant UNTIL = Instant.parse("2026-11-26T12:00:00Z");

	static Database small(String uri) {
		Database db = DatabaseTest.directory(Hotline.open(uri, new OpenOptions().unencrypted(true)));
		for (int i = 0; i < 5; i++)
			db.exec(DatabaseTest.register("C" + i, "zhang", "1" + i));
		return db;
	}

	@Test
	void followPagesInSeqOrderAndResumes() {
		try (Database db = small("memory:")) {
			List<FeedEvent> all = new ArrayList<>();
			for (FeedEvent ev : Feed.follow(db, null, 2, false))
				all.add(ev);
			assertEquals(8, all.size());
			for (int i = 0; i < all.size(); i++)
				assertEquals("f1." + (i + 1), all.get(i).cursor());
			assertEquals("C4", all.get(7).stream());
			assertEquals("register", all.get(7).cmd());
			assertEquals("C4", all.get(7).body().get("case").getAsString());
			List<FeedEvent> rest = new ArrayList<>();
			for (FeedEvent ev : Feed.follow(db, all.get(4).cursor(), 100, false))
				rest.add(ev);
			assertEquals(3, rest.size());
			assertEquals(all.get(5).json(), rest.get(0).json());
			assertFalse(Feed.await(db, all.get(7).cursor(), 10));
			assertThrows(InvalidException.class, () -> Feed.page(db, "n1.5", 0));
		}
	}

	@Test
	void followWaitsForTheNextCommit(@TempDir Path dir) throws Exception {
		String uri = "sqlite:" + dir.resolve("f.db");
		small(uri).close();
		try (Database reader = Hotline.open(uri)) {
			var it = Feed.follow(reader, "f1.8", 10, true).iterator();
			Thread writer = new Thread(() -> {
				try (Database w = Hotline.open(uri)) {
					Thread.sleep(300);
					w.exec(DatabaseTest.register("LATE", "zhang", "30"));
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			});
			writer.start();
			assertTrue(it.hasNext());
			FeedEvent ev = it.next();
			writer.join();
			assertEquals("LATE", ev.stream());
			assertEquals("f1.9", ev.cursor());
		}
	}

	@Test
	void notificationsOfTheDemoMonthOnceEach() throws Exception {
		try (Database db = Hotline.open("memory:")) {
			db.begin();
			for (String line : java.nio.file.Files.readAllLines(DatabaseTest.SOURCE.resolve("examples/demo-month.jsonl"))) {
				if (!line.startsWith("{"))
					continue;
				try {
					db.exec(line);
				} catch (HotlineException e) {
					// the demo's deliberately refused lines
				}
			}
			db.commit();
			List<String> ids = new ArrayList<>();
			for (Notification n : db.notifications(null, UNTIL, 50))
				ids.add(n.id());
			assertTrue(ids.size() > 1000);
			assertEquals(ids.size(), ids.stream().distinct().count());
			// resuming from the 100th notification's cursor gives exactly the ones after it
			String cursor = null;
			int i = 0;
			for (Notification n : Feed.notifications(db, null, UNTIL, 100))
				if (++i == 100) {
					cursor = n.cursor();
					break;
				}
			List<String> rest = new ArrayList<>();
			for (Notification n : db.notifications(cursor, UNTIL, 1000))
				rest.add(n.id());
			assertEquals(ids.subList(100, ids.size()), rest);
		}
	}
}
