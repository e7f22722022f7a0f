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
			Assessment month = db.assess(Instant.parse("2026-11-26T16:00:00Z"));
			// The CLI's replay of this file (tests/cli_test.cmake, the Python test) has no penalty: total 0 fen.
			assertEquals("2026-11", month.month());
			assertEquals(0, month.totalFen(), month.json());
			assertEquals(0, totalFen(month.json()));
			assertEquals(new Assessment.Rate(1, 1), month.properties().get(0).closure());
			assertEquals(State.CLOSED, db.caseSnapshot("C1").state());
			assertEquals("王女士", db.show("C1").owner());
			assertEquals(10 + 8, db.verifyLog());
			assertEquals(10, db.verifyLog("C1"));
			List<Event> history = db.history("C1").toList();
			assertEquals(10, history.size());
			assertEquals("register", history.get(0).name());
			assertEquals("register", history.get(0).command().get("cmd").getAsString());
			assertTrue(history.stream().anyMatch(e -> e.json().contains("更换灯具")));
			assertEquals(history.get(0).hash(), history.get(1).prevHash());
			assertEquals("C1", db.explain("C1", null).caseId());
			assertTrue(db.checkpoint().text().startsWith("hlc1:"));
			assertEquals(List.of(), db.sweep(Instant.parse("2026-12-01T00:00:00Z")).toList());
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
			Assessment month = db.assess(Instant.parse("2026-11-26T16:00:00Z"));
			assertTrue(totalFen(month.json()) > 0, month.json());
			assertEquals(totalFen(month.json()), month.totalFen());
			assertEquals("L1", db.sweep(Instant.parse("2026-11-30T00:00:00Z")).toList().get(0).id());
			db.exec(register("L2", "zhang", "06"));
			db.exec("{\"cmd\":\"dispatch\",\"case\":\"L2\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}");
			List<Case> dispatched = db.cases("P1", State.DISPATCHED).toList();
			assertEquals(List.of("L2"), dispatched.stream().map(Case::id).toList());
			assertEquals(List.of("L1", "L2"), db.cases(null, null).stream().map(Case::id).toList());
			assertEquals(List.of(), db.cases("P9", null).toList());
			assertThrows(InvalidException.class, () -> State.of("no_such_state"));
			assertEquals("翠苑", db.directory(null).property("P1").orElseThrow().name());
			assertTrue(db.deadlines(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), null, null)
				.stream().anyMatch(d -> "L1".equals(d.caseId())));
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
			Case before = db.caseSnapshot("C1");
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
			assertEquals(State.RECEIVED, db.caseSnapshot("B3").state());
		}
	}

	@Test
	void utf8RoundTrips() {
		try (Database db = directory(Hotline.open("memory:"))) {
			db.exec(register("C1", "zhang", "05"));
			Case snap = db.caseSnapshot("C1");
			assertEquals("王女士", snap.owner());
			assertEquals("楼道灯不亮", snap.matter());
			assertTrue(db.history(null).stream().anyMatch(e -> e.json().contains("张敏")));
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
			assertEquals("13800000000", db.caseSnapshot("C1").phone());
		}
		try (Database db = Hotline.open(uri)) {
			assertEquals("138****0000", db.caseSnapshot("C1").phone());
			// Without the key, personal data cannot be written.
			assertThrows(WrongKeyException.class, () -> db.exec(register("C2", "zhang", "06")));
		}
		// The same key read from a key file (the format tests/cli_test.cmake writes).
		Path file = dir.resolve("k1.key");
		Files.writeString(file, "k1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
		try (Database db = Hotline.open(uri, new OpenOptions().keyFile(file.toString()))) {
			assertEquals("13800000000", db.caseSnapshot("C1").phone());
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
			assertEquals(2, other.cases(null, null).toList().size());
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
							assertEquals(id, db.caseSnapshot(id).id());
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
		Deadline dl = db.explain("S1", null).deadlines().stream().filter(d -> d.rule().equals("S3b")).findFirst().orElseThrow();
		return dl.due() + (dl.provisional() ? " provisional" : "");
	}

	@Test
	void calendarBelongsToTheDatabase(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("cal.db");
		String serious = register("S1", "zhang", "05").replace("2026-11-02", "2027-03-01")
			.replace("}", ",\"severity\":\"serious\"}");
		try (Database db = directory(Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k")))) {
			db.exec(serious);
			// no 2027 data: Monday-Friday counted, and the deadline says so
			assertEquals("2027-03-09T00:00+08:00 provisional", s3b(db));
			db.adoptCalendar(2027, "json", "{\"year\":2027,\"source\":\"test\",\"days\":[{\"name\":\"x\","
				+ "\"date\":\"2027-03-02\",\"isOffDay\":true}]}", null, Instant.parse("2026-12-07T01:00:00Z"));
			assertEquals("2027-03-10T00:00+08:00", s3b(db));
			assertEquals(2027, db.calendar().last());
			assertTrue(db.calendar().years().stream().anyMatch(y -> y.year() == 2027 && y.recorded()));
			assertThrows(InvalidException.class, () -> db.adoptCalendar(2027, "xml", "<x/>", null, null));
			assertThrows(NotFoundException.class, () -> db.adoptCalendar(2031, "builtin", null, null, null));
		}
		// another handle computes with what the database recorded
		try (Database db = Hotline.open(uri, new OpenOptions().policy("service-standard").key(new byte[32], "k"))) {
			assertEquals("2027-03-10T00:00+08:00", s3b(db));
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
			assertEquals("service-standard", db.policyRecord().getAsJsonObject("recorded").get("name").getAsString());
			db.setPolicy("gm-hotline", "admin", mid);
			db.exec(register("B", "zhang", "30").replace("T09:30", "T10:30"));
			List<Due> d = db.deadlines(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
				null, null);
			// A's clocks started before the change (service-standard), B's after it (gm-hotline)
			assertTrue(d.stream().anyMatch(x -> "A".equals(x.caseId()) && x.rule().equals("S4")), d.toString());
			assertTrue(d.stream().anyMatch(x -> "B".equals(x.caseId()) && x.rule().equals("R13")), d.toString());
			assertTrue(db.policyRecord().has("history"), db.policyRecord().toString());
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
			assertFalse(db.policyRecord().get("what_if").getAsBoolean());
		}
		// opened without a policy: the recorded one
		try (Database db = Hotline.open(uri, new OpenOptions().key(new byte[32], "k"))) {
			var r = db.policyRecord();
			assertEquals("service-standard", r.getAsJsonObject("in_use").get("name").getAsString());
			assertEquals("service-standard", db.policy());
			assertFalse(r.get("what_if").getAsBoolean());
		}
		// another policy only reads
		try (Database db = Hotline.open(uri, new OpenOptions().policy("gm-hotline").key(new byte[32], "k"))) {
			assertTrue(db.policyRecord().get("what_if").getAsBoolean());
			PolicyException e = assertThrows(PolicyException.class, () -> db.exec(register("S9", "zhang", "05")));
			assertTrue(e.getMessage().contains("service-standard"), e.getMessage());
		}
	}
}
