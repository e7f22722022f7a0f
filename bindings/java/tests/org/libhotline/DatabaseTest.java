package org.libhotline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
	static final Path SOURCE = Path.of(System.getenv().getOrDefault("HOTLINE_SOURCE_DIR", "."));
	static final String ZHANG = "{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}";
	static final String LI = "{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}";
	static final String P1 = "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\"}";

	static String register(String id, String actor, String minute) {
		return "{\"cmd\":\"register\",\"case\":\"" + id + "\",\"at\":\"2026-11-02T09:" + minute + ":00+08:00\","
			+ "\"actor\":\"" + actor + "\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\","
			+ "\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}";
	}

	static Database directory(Database db) {
		db.exec(ZHANG);
		db.exec(LI);
		db.exec(P1);
		return db;
	}

	@Test
	void openCloseAndClosedUseThrows() {
		Database db = Hotline.open("memory:");
		assertFalse(db.isClosed());
		db.close();
		assertTrue(db.isClosed());
		db.close();   // harmless twice
		// Every call on a closed Database throws instead of touching freed memory.
		assertThrows(InvalidException.class, () -> db.exec(ZHANG));
		assertThrows(InvalidException.class, () -> db.caseSnapshot("C1"));
		assertThrows(InvalidException.class, () -> db.verifyLog());
		assertThrows(InvalidException.class, () -> db.begin());
		assertThrows(InvalidException.class, () -> db.assess(Instant.EPOCH));
	}

	@Test
	void tryWithResourcesCloses() {
		Database kept;
		try (Database db = Hotline.open("memory:")) {
			kept = db;
			assertEquals(1, db.exec(ZHANG).seq());
		}
		assertTrue(kept.isClosed());
		assertFalse(Hotline.version().isEmpty());
	}

	@Test
	void openRefusals() {
		assertThrows(PolicyException.class, () -> Hotline.open("memory:", new OpenOptions().policy("no-such-policy")));
		assertThrows(InvalidException.class, () -> new OpenOptions().key(new byte[5], "k"));
	}

	/** tests/scenarios/design-example.jsonl line by line: the case closes on time, so nothing is charged. */
	@Test
	void designExample() throws IOException {
		try (Database db = Hotline.open("memory:")) {
			long seq = 0;
			for (String line : Files.readAllLines(SOURCE.resolve("tests/scenarios/design-example.jsonl"), StandardCharsets.UTF_8)) {
				if (line.isBlank())
					continue;
				Applied a = db.exec(line);
				assertFalse(a.repeated());
				assertTrue(a.seq() > seq, line);
				seq = a.seq();
			}
			assertEquals(18, seq);
			String month = db.assess(Instant.parse("2026-11-26T16:00:00Z"));
			// The CLI's replay of this file (tests/cli_test.cmake, the Python test) has no penalty: total 0 fen.
			assertTrue(month.contains("\"month\":\"2026-11\""), month);
			assertEquals(0, totalFen(month), month);
			assertTrue(month.replace(" ", "").contains("\"closure\":{\"den\":1,\"num\":1}"), month);
			assertTrue(db.caseSnapshot("C1").contains("\"state\":\"closed\""));
			assertTrue(db.show("C1").contains("王女士"));
			assertEquals(10 + 8, db.verifyLog());
			assertEquals(10, db.verifyLog("C1"));
			String history = db.history("C1");
			assertTrue(history.startsWith("[") && history.contains("\"cmd\":\"register\"") && history.contains("更换灯具"), history);
			assertTrue(db.explain("C1", null).contains("C1"));
			assertTrue(db.checkpoint().length() > 0);
			assertEquals("[]", db.sweep(Instant.parse("2026-12-01T00:00:00Z")));
			// a missing instant is refused like any bad input, and nothing changes
			assertThrows(InvalidException.class, () -> db.sweep(null));
			assertThrows(InvalidException.class, () -> db.assess(null));
			assertThrows(InvalidException.class, () -> db.deadlines(null, Instant.EPOCH, null, null));
			assertEquals(10 + 8, db.verifyLog());
		}
	}

	/** The sum of the amount_fen of the document's "penalties" array. */
	static long totalFen(String doc) {
		int at = doc.indexOf("\"penalties\"");
		assertTrue(at >= 0, doc);
		int end = doc.indexOf(']', at);
		long total = 0;
		var m = java.util.regex.Pattern.compile("\"amount_fen\"\\s*:\\s*(\\d+)").matcher(doc.substring(at, end));
		while (m.find())
			total += Long.parseLong(m.group(1));
		return total;
	}

	@Test
	void lateCaseIsCharged() {
		// The control of designExample: a case never dispatched costs something, so totalFen can see penalties.
		try (Database db = directory(Hotline.open("memory:"))) {
			db.exec(register("L1", "zhang", "05"));
			String month = db.assess(Instant.parse("2026-11-26T16:00:00Z"));
			assertTrue(totalFen(month) > 0, month);
			assertTrue(db.sweep(Instant.parse("2026-11-30T00:00:00Z")).contains("L1"));
			db.exec(register("L2", "zhang", "06"));
			db.exec("{\"cmd\":\"dispatch\",\"case\":\"L2\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}");
			String dispatched = db.cases("P1", "dispatched");
			assertTrue(dispatched.startsWith("[") && dispatched.contains("L2") && !dispatched.contains("L1"), dispatched);
			assertTrue(db.cases(null, null).contains("L1"));
			assertEquals("[]", db.cases("P9", null));
			assertThrows(InvalidException.class, () -> db.cases(null, "no_such_state"));
			assertTrue(db.directory(null).contains("翠苑"));
			assertTrue(db.deadlines(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), null, null).contains("L1"));
		}
	}

	@Test
	void commandIdRepeat() {
		try (Database db = directory(Hotline.open("memory:"))) {
			Applied first = db.exec(register("C1", "zhang", "05"), "req-1");
			assertFalse(first.repeated());
			Applied again = db.exec(register("C1", "zhang", "05"), "req-1");
			assertTrue(again.repeated());
			assertEquals(first.seq(), again.seq());
			assertEquals(4, db.verifyLog());
			// The same id with other content is a different command, refused.
			assertThrows(HotlineException.class, () -> db.exec(register("C2", "zhang", "06"), "req-1"));
			assertThrows(NotFoundException.class, () -> db.caseSnapshot("C2"));
		}
	}

	@Test
	void eachRefusalHasItsClassAndChangesNothing() {
		try (Database db = directory(Hotline.open("memory:"))) {
			db.exec(register("C1", "zhang", "05"));
			String before = db.caseSnapshot("C1");
			long events = db.verifyLog();
			InvalidException bad = assertThrows(InvalidException.class, () -> db.exec("{not json"));
			assertEquals(-3, bad.code());
			assertEquals("invalid", bad.errorName());
			NotFoundException nf = assertThrows(NotFoundException.class,
				() -> db.exec("{\"cmd\":\"dispatch\",\"case\":\"C9\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"));
			assertEquals(-4, nf.code());
			assertFalse(nf.getMessage().isEmpty());
			// li is a property manager: dispatching is the hotline specialist's.
			assertEquals(-2, assertThrows(ForbiddenException.class,
				() -> db.exec("{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"li\"}")).code());
			assertThrows(DuplicateException.class, () -> db.exec(register("C1", "zhang", "07")));
			// A case just received cannot be verified yet.
			assertEquals(-1, assertThrows(InvalidTransitionException.class,
				() -> db.exec("{\"cmd\":\"verify\",\"case\":\"C1\",\"at\":\"2026-11-02T09:30:00+08:00\",\"actor\":\"zhang\",\"outcome\":\"confirmed\"}")).code());
			// JSON commands carry no expected version (only the C builder does), so ConflictException is not reachable here.
			assertThrows(NotFoundException.class, () -> db.caseSnapshot("nope"));
			assertThrows(FileException.class, () -> new OpenOptions().keyFile("/no/such/file.key"));
			assertEquals(before, db.caseSnapshot("C1"));
			assertEquals(events, db.verifyLog());
		}
	}

	@Test
	void batchRolledBackLeavesNothing() {
		try (Database db = directory(Hotline.open("memory:"))) {
			db.begin();
			db.exec(register("B1", "zhang", "05"));
			db.rollback();
			assertThrows(NotFoundException.class, () -> db.caseSnapshot("B1"));
			assertEquals(3, db.verifyLog());
			// transaction(): a throwing body rolls back everything it did.
			assertThrows(NotFoundException.class, () -> db.transaction(t -> {
				t.exec(register("B2", "zhang", "06"));
				t.exec("{\"cmd\":\"dispatch\",\"case\":\"B9\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}");
			}));
			assertThrows(NotFoundException.class, () -> db.caseSnapshot("B2"));
			db.transaction(t -> t.exec(register("B3", "zhang", "07")));
			assertTrue(db.caseSnapshot("B3").contains("registered"));
		}
	}

	@Test
	void utf8RoundTrips() {
		try (Database db = directory(Hotline.open("memory:"))) {
			db.exec(register("C1", "zhang", "05"));
			String snap = db.caseSnapshot("C1");
			assertTrue(snap.contains("王女士") && snap.contains("楼道灯不亮"), snap);
			assertTrue(db.history(null).contains("张敏"));
		}
	}

	@Test
	void encryptedWithAndWithoutKey(@TempDir Path dir) throws IOException {
		String uri = "sqlite:" + dir.resolve("enc.db");
		byte[] key = new byte[32];
		for (int i = 0; i < 32; i++)
			key[i] = (byte) i;
		try (Database db = directory(Hotline.open(uri, new OpenOptions().key(key, "k1")))) {
			db.exec(register("C1", "zhang", "05"));
			assertTrue(db.caseSnapshot("C1").contains("13800000000"));
		}
		try (Database db = Hotline.open(uri)) {
			String masked = db.caseSnapshot("C1");
			assertFalse(masked.contains("13800000000"), masked);
			assertTrue(masked.contains("138****0000"), masked);
			// Without the key, personal data cannot be written.
			assertThrows(WrongKeyException.class, () -> db.exec(register("C2", "zhang", "06")));
		}
		// The same key read from a key file (the format tests/cli_test.cmake writes).
		Path file = dir.resolve("k1.key");
		Files.writeString(file, "k1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
		try (Database db = Hotline.open(uri, new OpenOptions().keyFile(file.toString()))) {
			assertTrue(db.caseSnapshot("C1").contains("13800000000"));
		}
		byte[] other = key.clone();
		other[0] = 9;
		assertThrows(WrongKeyException.class, () -> {
			try (Database db = Hotline.open(uri, new OpenOptions().key(other, "k2"))) {
				db.caseSnapshot("C1");
			}
		});
	}

	@Test
	void busyIsItsOwnException(@TempDir Path dir) {
		BusyException named = new BusyException("x");
		assertEquals(-14, named.code());
		assertEquals("busy", named.errorName());
		assertTrue(named instanceof HotlineException);
		String uri = "sqlite:" + dir.resolve("busy.db");
		OpenOptions clear = new OpenOptions().unencrypted(true);
		try (Database writer = directory(Hotline.open(uri, clear)); Database other = Hotline.open(uri, clear)) {
			writer.begin();   // a batch holds the write lock
			writer.exec(register("C1", "zhang", "05"));
			// the other handle waits out the busy timeout (5 s), then is told busy, not storage
			BusyException e = assertThrows(BusyException.class, () -> other.exec(register("C2", "zhang", "06")));
			assertEquals(-14, e.code());
			assertEquals("busy", e.errorName());
			assertTrue(e.getMessage().contains("busy"), e.getMessage());
			writer.commit();
			other.exec(register("C2", "zhang", "06"));
			assertTrue(other.cases(null, null).contains("C1"));
		}
	}

	@Test
	void manyThreadsShareOneDatabase() throws Exception {
		try (Database db = directory(Hotline.open("memory:"))) {
			AtomicInteger refused = new AtomicInteger();
			List<Thread> threads = new ArrayList<>();
			List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
			for (int t = 0; t < 8; t++) {
				final int n = t;
				Thread th = new Thread(() -> {
					try {
						for (int i = 0; i < 25; i++) {
							String id = "T" + n + "-" + i;
							Applied a = db.exec(register(id, "zhang", String.format("%02d", i)), "cmd-" + id);
							assertFalse(a.repeated());
							assertTrue(db.exec(register(id, "zhang", String.format("%02d", i)), "cmd-" + id).repeated());
							assertTrue(db.caseSnapshot(id).contains(id));
							try {
								db.exec("{\"cmd\":\"dispatch\",\"case\":\"X" + id + "\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}");
							} catch (NotFoundException e) {
								refused.incrementAndGet();
							}
						}
					} catch (Throwable e) {
						failures.add(e);
					}
				});
				threads.add(th);
				th.start();
			}
			for (Thread th : threads)
				th.join();
			assertEquals(List.of(), failures);
			assertEquals(200, refused.get());
			assertEquals(3 + 200, db.verifyLog());
		}
	}

	/** A serious complaint registered on 2027-03-01: its S3b due (5 working days), and whether it is provisional. */
	static String s3b(Database db) {
		// spaces dropped: enough to find keys and values in the pretty document
		String e = db.explain("S1", null).replaceAll("\\s+", "");
		int at = e.indexOf("\"rule\":\"S3b\"");
		assertTrue(at >= 0, e);
		int start = e.lastIndexOf('{', at), end = e.indexOf("\"title\"", at);
		String dl = e.substring(start, e.indexOf('}', e.indexOf("\"state\"", start)) + 1);
		int d = dl.indexOf("\"due\":\"") + 7;
		return dl.substring(d, dl.indexOf('"', d)) + (dl.contains("\"provisional\":true") ? " provisional" : "");
	}

	@Test
	void calendarBelongsToTheDatabase(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("cal.db");
		String serious = register("S1", "zhang", "05").replace("2026-11-02", "2027-03-01")
			.replace("}", ",\"severity\":\"serious\"}");
		try (Database db = directory(Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k")))) {
			db.exec(serious);
			// no 2027 data: Monday-Friday counted, and the deadline says so
			assertEquals("2027-03-09T00:00:00+08:00 provisional", s3b(db));
			db.adoptCalendar(2027, "json", "{\"year\":2027,\"source\":\"test\",\"days\":[{\"name\":\"x\","
				+ "\"date\":\"2027-03-02\",\"isOffDay\":true}]}", null, Instant.parse("2026-12-07T01:00:00Z"));
			assertEquals("2027-03-10T00:00:00+08:00", s3b(db));
			assertTrue(db.calendar().replaceAll("\\s+", "").contains("\"last\":2027"), db.calendar());
			assertThrows(InvalidException.class, () -> db.adoptCalendar(2027, "xml", "<x/>", null, null));
			assertThrows(NotFoundException.class, () -> db.adoptCalendar(2031, "builtin", null, null, null));
		}
		// another handle computes with what the database recorded
		try (Database db = Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k"))) {
			assertEquals("2027-03-10T00:00:00+08:00", s3b(db));
			assertTrue(db.verifyLog() > 0);
		}
	}

	@Test
	void policyChangesFromItsInstant(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("polchg.db");
		try (Database db = directory(Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k")))) {
			db.exec("{\"cmd\":\"person\",\"id\":\"admin\",\"name\":\"管理员\",\"roles\":[\"administrator\"]}");
			db.exec(register("A", "zhang", "05"));
			Instant mid = Instant.parse("2026-11-02T02:00:00Z");
			assertThrows(ForbiddenException.class, () -> db.setPolicy("gm-hotline", "zhang", mid));
			assertThrows(PolicyException.class, () -> db.setPolicy("no-such-policy", "admin", mid));
			assertTrue(db.policyRecord().replaceAll("\\s+", "").contains("\"name\":\"service-standard\""));
			db.setPolicy("gm-hotline", "admin", mid);
			db.exec(register("B", "zhang", "30").replace("T09:30", "T10:30"));
			String d = db.deadlines(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
				null, null).replaceAll("\\s+", "");
			// A's clocks started before the change (service-standard), B's after it (gm-hotline)
			assertTrue(d.contains("\"case\":\"A\"") && d.contains("\"rule\":\"S4\""), d);
			assertTrue(d.contains("\"rule\":\"R13\""), d);
			assertTrue(db.policyRecord().replaceAll("\\s+", "").contains("\"history\""), db.policyRecord());
		}
		// the policy recorded before the change only reads now
		try (Database db = Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k"))) {
			PolicyException e = assertThrows(PolicyException.class, () -> db.exec(register("C", "zhang", "40")));
			assertTrue(e.getMessage().contains("gm-hotline"), e.getMessage());
		}
	}

	@Test
	void policyBelongsToTheDatabase(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("pol.db");
		try (Database db = directory(Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k")))) {
			assertTrue(db.policyRecord().replaceAll("\\s+", "").contains("\"what_if\":false"), db.policyRecord());
		}
		// opened without a policy: the recorded one
		try (Database db = Hotline.open(uri, new OpenOptions().key(new byte[32], "k"))) {
			String r = db.policyRecord().replaceAll("\\s+", "");
			assertTrue(r.contains("\"in_use\":{\"digest\":") && r.contains("\"name\":\"service-standard\""), r);
			assertTrue(r.contains("\"what_if\":false"), r);
		}
		// another policy only reads
		try (Database db = Hotline.open(uri, new OpenOptions().policy("gm-hotline").key(new byte[32], "k"))) {
			assertTrue(db.policyRecord().replaceAll("\\s+", "").contains("\"what_if\":true"), db.policyRecord());
			PolicyException e = assertThrows(PolicyException.class, () -> db.exec(register("S9", "zhang", "05")));
			assertTrue(e.getMessage().contains("service-standard"), e.getMessage());
		}
	}
}
