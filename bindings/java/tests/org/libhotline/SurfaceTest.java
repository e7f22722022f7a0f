package org.libhotline;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** What the Python binding offers, from Java: paging, reminders, claims, checkpoints, reports, keys, replay, open options. */
class SurfaceTest {
	static Instant t(int day, int hour, int minute) {
		return OffsetDateTime.parse(String.format("2026-11-%02dT%02d:%02d:00+08:00", day, hour, minute)).toInstant();
	}

	static final String DISPATCH = "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}";

	/* A refusal of bad input: its class, a message naming what is wrong, and nothing changed in db. */
	static <T extends HotlineException> void refused(Class<T> type, String word, Database db, Executable call) {
		long before = db.verifyLog();
		T e = assertThrows(type, call);
		assertTrue(e.getMessage().contains(word), e.getMessage());
		assertEquals(before, db.verifyLog());
	}

	@Test
	void casesAndHistoryArePaged() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			db.transaction(t -> {
				for (int i = 0; i < 150; i++)
					t.exec(DatabaseTest.register(String.format("K%04d", i), "zhang", String.format("%02d", i % 60)));
			});
			List<Case> all = db.cases(null, null).toList();
			assertEquals(150, all.size());   // more than the first two pages (64, 128)
			for (int i = 0; i < 150; i++)
				assertEquals(String.format("K%04d", i), all.get(i).id());
			assertEquals(5, db.cases("P1", State.RECEIVED, 5).toList().size());
			assertEquals(0, db.cases(null, State.CLOSED).stream().count());
			assertEquals(150, db.sweep(t(30, 0, 0)).toList().size());
			List<Case> due = db.sweep(t(30, 0, 0), 70).toList();
			assertEquals(70, due.size());
			for (int i = 1; i < due.size(); i++)
				assertFalse(due.get(i).nextDue().isBefore(due.get(i - 1).nextDue()));
			List<Event> org = db.history(null).toList();
			assertEquals(List.of(1L, 2L, 3L), org.stream().map(Event::version).toList());
			assertNull(org.get(0).caseId());
			assertEquals("person", org.get(0).name());
			assertNull(org.get(0).at());   // a directory line without at
			Event reg = db.history("K0007").toList().get(0);
			assertEquals("K0007", reg.caseId());
			assertEquals(OffsetDateTime.parse("2026-11-02T09:07:00+08:00"), reg.at());
			assertEquals(db.zone(), reg.at().getOffset());
			assertEquals("zhang", reg.actor());
			assertEquals(36, reg.id().length());
			refused(InvalidException.class, "limit", db, () -> db.cases(null, null, -5));
			refused(InvalidException.class, "limit", db, () -> db.sweep(t(30, 0, 0), -5));
			refused(InvalidException.class, "before", db, () -> db.sweep(null));
			refused(InvalidException.class, "NUL", db, () -> db.history("K\0").toList());
			refused(InvalidException.class, "limit", db, () -> Feed.page(db, null, -1));
			refused(InvalidException.class, "timeoutMillis", db, () -> Feed.await(db, null, -1));
			refused(InvalidException.class, "db", db, () -> Feed.follow(null, null, 1, false));
		}
	}

	@Test
	void deadlinesAndReminders() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			db.exec(DatabaseTest.register("C1", "zhang", "05"));
			db.exec(DISPATCH);
			List<Due> rows = db.deadlines(t(2, 9, 30), t(3, 10, 0), null, null, t(2, 12, 0));
			Due r14a = rows.stream().filter(d -> d.rule().equals("R14a")).findFirst().orElseThrow();
			assertEquals(List.of("li"), r14a.liable());
			assertEquals(OffsetDateTime.parse("2026-11-02T11:20:00+08:00"), r14a.due());
			assertEquals(14, r14a.article());
			assertTrue(r14a.overdue());
			assertFalse(r14a.title().zh().isEmpty());
			assertEquals(List.of(), db.deadlines(t(2, 9, 30), t(3, 10, 0), "nobody", null));
			Due remind = db.reminders(t(2, 9, 0), t(4, 0, 0), null, null, null).stream()
				.filter(d -> d.rule().equals("R14a")).findFirst().orElseThrow();
			assertEquals(OffsetDateTime.parse("2026-11-02T10:20:00+08:00"), remind.remindAt());
			refused(InvalidException.class, "from", db, () -> db.deadlines(null, t(3, 0, 0), null, null));
			refused(InvalidException.class, "to", db, () -> db.reminders(t(2, 0, 0), null, null, null, null));
			refused(InvalidException.class, "", db, () -> db.deadlines(t(3, 0, 0), t(2, 0, 0), null, null));
		}
	}

	@Test
	void assessmentsStatementsAndExplanations(@TempDir Path dir) throws Exception {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			db.exec(DatabaseTest.register("C1", "zhang", "05"));
			db.exec(DISPATCH);
			db.exec("{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":20000}");
			Instant end = t(27, 0, 0);
			Assessment a = db.assess(end);
			Assessment.PersonTotal li = a.people().stream().filter(p -> p.person().equals("li")).findFirst().orElseThrow();
			assertEquals(20000L, li.bonusFen());
			assertFalse(a.breaches().isEmpty());
			assertTrue(a.breaches().get(0).late().toSeconds() > 0);
			Statement s = db.statement("li", "2026-11", null);
			assertEquals("李强", s.name());
			assertEquals(li.rawFen(), s.rawFen());
			assertEquals(s.rawFen(), s.lines().stream().mapToLong(Statement.Line::amountFen).sum());
			assertEquals("C1", s.lines().get(0).caseId());
			Explanation x = db.explain("C1", end);
			assertEquals(x.totalFen(), x.penalties().stream().mapToLong(Penalty::amountFen).sum());
			assertTrue(x.penalties().stream().allMatch(p -> "C1".equals(p.caseId()) && !p.increments().isEmpty()));
			assertTrue(x.deadlines().stream().allMatch(d -> "C1".equals(d.caseId()) && d.title() != null));
			String csv = db.assessCsv(end);
			Path file = dir.resolve("a.csv");
			db.assessTo(file, end, "csv");
			assertEquals(csv, Files.readString(file));
			db.assessTo(dir.resolve("a.json"), end, "json");
			assertEquals(a.json(), Files.readString(dir.resolve("a.json")));
			refused(InvalidException.class, "format", db, () -> db.assessTo(dir.resolve("b.xml"), end, "xml"));
			assertFalse(Files.exists(dir.resolve("b.xml")));
			refused(InvalidException.class, "path", db, () -> db.assessTo(null, end, "csv"));
			refused(InvalidException.class, "asOf", db, () -> db.assessCsv(null));
			refused(InvalidException.class, "month", db, () -> db.statement("li", null, null));
			refused(InvalidException.class, "2026-13", db, () -> db.statement("li", "2026-13", null));
			refused(NotFoundException.class, "nobody", db, () -> db.statement("nobody", "2026-11", null));
			refused(InvalidException.class, "caseId", db, () -> db.explain(null, null));
		}
	}

	@Test
	void signedCheckpointsAndTheReport() {
		byte[] seed = new byte[32];
		for (int i = 0; i < 32; i++)
			seed[i] = (byte) (i + 1);
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			db.exec(DatabaseTest.register("C1", "zhang", "05"));
			Checkpoint plain = db.checkpoint();
			assertFalse(plain.signed());
			assertEquals(4, plain.seq());
			Checkpoint signed = db.checkpoint(3, seed);
			assertTrue(signed.signed());
			assertEquals(3, signed.seq());
			assertEquals(signed, Checkpoint.parse(signed.toString()));
			byte[] pk = Hotline.checkpointPublicKey(seed);
			assertEquals(32, pk.length);
			db.verifyCheckpoint(signed, pk);
			db.verifyCheckpoint(plain, null);
			byte[] other = Hotline.checkpointPublicKey(new byte[32]);
			assertThrows(CorruptException.class, () -> db.verifyCheckpoint(signed, other));
			assertThrows(CorruptException.class, () -> db.verifyCheckpoint(plain, pk));   // unsigned
			VerifyReport r = db.verifyReport();
			assertTrue(r.ok());
			assertEquals("log", r.scope());
			assertEquals(4, r.events());
			assertEquals(List.of(), r.findings());
			VerifyReport rc = db.verifyReport(null, signed, pk, 10);
			assertTrue(rc.ok() && rc.checkpoint().ok() && rc.checkpoint().signed());
			assertEquals("valid", rc.checkpoint().signature());
			VerifyReport one = db.verifyReport("C1", null, null, 10);
			assertEquals("case", one.scope());
			assertEquals("C1", one.caseId());
			refused(InvalidException.class, "not a checkpoint", db, () -> Checkpoint.parse("hlc2:1"));
			refused(InvalidException.class, "upTo", db, () -> db.checkpoint(-1, null));
			refused(InvalidException.class, "seed", db, () -> db.checkpoint(0, new byte[7]));
			refused(InvalidException.class, "", db, () -> db.checkpoint(999, null));
			refused(InvalidException.class, "checkpoint", db, () -> db.verifyCheckpoint(null, null));
			refused(InvalidException.class, "publicKey", db, () -> db.verifyCheckpoint(signed, new byte[31]));
			refused(InvalidException.class, "maxFindings", db, () -> db.verifyReport(null, null, null, 0));
			refused(InvalidException.class, "publicKey", db, () -> db.verifyReport(null, signed, new byte[3], 10));
			refused(NotFoundException.class, "", db, () -> db.verifyReport("nope", null, null, 10));
			refused(InvalidException.class, "secretKey", db, () -> Hotline.checkpointPublicKey(new byte[3]));
		}
	}

	@Test
	void claimsAreLeased(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("claims.db");
		OpenOptions clear = new OpenOptions().unencrypted(true);
		try (Database w1 = DatabaseTest.directory(Hotline.open(uri, clear)); Database w2 = Hotline.open(uri, clear)) {
			for (String id : List.of("A", "B", "C"))
				w1.exec(DatabaseTest.register(id, "zhang", id.equals("A") ? "05" : id.equals("B") ? "06" : "07"));
			Instant before = t(30, 0, 0);
			Duration lease = Duration.ofMinutes(5);
			List<Case> first = w1.claimDue(before, "w1", lease, 2);
			assertEquals(List.of("A", "B"), first.stream().map(Case::id).toList());
			List<String> second = new ArrayList<>();
			for (Case c : w2.claims(before, "w2", lease, 1))
				second.add(c.id());
			assertEquals(List.of("C"), second);
			assertEquals(List.of(), w1.claimDue(before, "w1", lease, 5));
			refused(InvalidException.class, "lease", w1, () -> w1.claimDue(before, "w", Duration.ZERO, 1));
			refused(InvalidException.class, "whole seconds", w1, () -> w1.claimDue(before, "w", Duration.ofMillis(1500), 1));
			refused(InvalidException.class, "lease", w1, () -> w1.claimDue(before, "w", Duration.ofDays(2), 1));
			refused(InvalidException.class, "worker", w1, () -> w1.claimDue(before, null, lease, 1));
			refused(InvalidException.class, "limit", w1, () -> w1.claimDue(before, "w", lease, 0));
			refused(InvalidException.class, "before", w1, () -> w1.claimDue(null, "w", lease, 1));
			refused(InvalidException.class, "page", w1, () -> w1.claims(before, "w", lease, 0));
			refused(InvalidException.class, "", w1, () -> w1.claimDue(before, "", lease, 1));
		}
	}

	@Test
	void keysRotateAndPhonesAreFound(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("keys.db");
		byte[] k1 = new byte[32], k2 = new byte[32];
		k2[0] = 7;
		try (Database db = DatabaseTest.directory(Hotline.open(uri, new OpenOptions().key(k1, "k1")))) {
			db.exec(DatabaseTest.register("C1", "zhang", "05"));
			assertEquals(List.of("C1"), db.casesByPhone("13800000000").stream().map(Case::id).toList());
			assertEquals(0, db.encryptExisting());
			refused(InvalidException.class, "32 bytes", db, () -> db.rotateKey(new byte[3], "k2"));
			refused(InvalidException.class, "keyId", db, () -> db.rotateKey(k2, null));
			refused(InvalidException.class, "phone", db, () -> db.casesByPhone(null));
			db.rotateKey(k2, "k2");
			assertEquals("k2", db.encryption().get("key_id").getAsString());
		}
		try (Database db = Hotline.open(uri, new OpenOptions().key(k2, "k2"))) {
			assertEquals("13800000000", db.caseSnapshot("C1").phone());
		}
		assertThrows(WrongKeyException.class, () -> Hotline.open(uri, new OpenOptions().key(k1, "k1")).close());
	}

	@Test
	void openOptions(@TempDir Path dir) {
		String uri = "sqlite:" + dir.resolve("opts.db");
		assertThrows(HotlineException.class, () -> Hotline.open(uri, new OpenOptions().mode(OpenOptions.Mode.READ_WRITE)));
		assertFalse(Files.exists(dir.resolve("opts.db")));
		OpenOptions clear = new OpenOptions().unencrypted(true).synchronous(OpenOptions.Synchronous.FULL);
		try (Database db = DatabaseTest.directory(Hotline.open(uri, clear.mode(OpenOptions.Mode.CREATE)))) {
			assertEquals("gm-hotline", db.policy());
			assertEquals(8 * 3600, db.zone().getTotalSeconds());
		}
		try (Database ro = Hotline.open(uri, new OpenOptions().mode(OpenOptions.Mode.READ_ONLY))) {
			assertEquals(3, ro.verifyLog());
			assertThrows(InvalidException.class, () -> ro.exec(DatabaseTest.register("C1", "zhang", "05")));
		}
		OpenOptions quick = new OpenOptions().unencrypted(true).busyTimeout(Duration.ofMillis(100));
		try (Database writer = Hotline.open(uri, quick); Database other = Hotline.open(uri, quick)) {
			writer.begin();
			writer.exec(DatabaseTest.register("C1", "zhang", "05"));
			long t0 = System.nanoTime();
			assertThrows(BusyException.class, () -> other.exec(DatabaseTest.register("C2", "zhang", "06")));
			assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "the short busy timeout applies");
			writer.commit();
		}
		// a second storage for the scans: the same file here
		try (Database db = Hotline.open(uri, new OpenOptions().readUri(uri))) {
			assertEquals(List.of("C1"), db.cases(null, null).stream().map(Case::id).toList());
		}
		assertThrows(InvalidException.class, () -> new OpenOptions().mode(null));
		assertThrows(InvalidException.class, () -> new OpenOptions().synchronous(null));
		InvalidException neg = assertThrows(InvalidException.class, () -> new OpenOptions().busyTimeout(Duration.ofMillis(-1)));
		assertTrue(neg.getMessage().contains("busy timeout"), neg.getMessage());
		assertThrows(InvalidException.class, () -> new OpenOptions().busyTimeout(Duration.ofDays(30)));
		assertThrows(InvalidException.class, () -> Hotline.open(null));
		// a read URI that cannot be opened fails the open
		assertThrows(HotlineException.class, () -> Hotline.open(uri, new OpenOptions().readUri("sqlite:" + dir.resolve("no/such/dir/x.db"))
			.mode(OpenOptions.Mode.READ_WRITE)).close());
	}

	@Test
	void replayAndExpect(@TempDir Path dir) throws Exception {
		String design = DatabaseTest.SOURCE.resolve("tests/scenarios/design-example.jsonl").toString();
		JsonObject doc = Hotline.replay(List.of(design), null, null, null);
		assertEquals("C1", doc.getAsJsonArray("cases").get(0).getAsJsonObject().get("id").getAsString());
		assertEquals(0, doc.getAsJsonArray("refused").size());
		String text = Hotline.replayJson(List.of(design), null, null, null);
		assertEquals(List.of(), Hotline.expect(text, "{\"cases\":[{\"id\":\"C1\",\"state\":\"closed\"}]}"));
		List<String> diff = Hotline.expect(text, "{\"cases\":[{\"id\":\"C1\",\"state\":\"received\"}]}");
		assertEquals(1, diff.size(), diff.toString());
		assertTrue(Hotline.lifecycle().isJsonArray() || Hotline.lifecycle().isJsonObject());
		// into a database
		String uri = "sqlite:" + dir.resolve("replayed.db");
		assertThrows(WrongKeyException.class, () -> Hotline.replay(List.of(design), null, null, uri));
		Hotline.replay(List.of(design), null, null, uri, new OpenOptions().key(new byte[32], "k"));
		try (Database db = Hotline.open(uri, new OpenOptions().key(new byte[32], "k"))) {
			assertEquals(State.CLOSED, db.caseSnapshot("C1").state());
		}
		InvalidException none = assertThrows(InvalidException.class, () -> Hotline.replay(List.of(), null, null, null));
		assertTrue(none.getMessage().contains("no scenario file"), none.getMessage());
		assertThrows(InvalidException.class, () -> Hotline.replay(null, null, null, null));
		assertThrows(InvalidException.class, () -> Hotline.replayJson(java.util.Arrays.asList((String) null), null, null, null));
		assertThrows(FileException.class, () -> Hotline.replay(List.of(dir.resolve("none.jsonl").toString()), null, null, null));
		assertThrows(InvalidException.class, () -> Hotline.expect("{not json", "{}"));
		assertThrows(InvalidException.class, () -> Hotline.expect(null, "{}"));
	}

	@Test
	void feedAndNotificationsTyped() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			db.exec(DatabaseTest.register("C1", "zhang", "05"));
			List<FeedEvent> evs = new ArrayList<>();
			db.follow(null, 2, false).forEach(evs::add);
			assertEquals(4, evs.size());
			assertEquals("", evs.get(0).stream());
			assertEquals("C1", evs.get(3).stream());
			assertEquals(OffsetDateTime.parse("2026-11-02T09:05:00+08:00").toInstant(), evs.get(3).at().toInstant());
			List<Notification> ns = new ArrayList<>();
			db.notifications(null, t(3, 0, 0), 10).forEach(ns::add);
			assertFalse(ns.isEmpty());
			assertTrue(ns.stream().allMatch(n -> n.cursor().startsWith("n1.") && n.title() != null));
			refused(InvalidException.class, "limit", db, () -> db.follow(null, 0, false));
			refused(InvalidException.class, "until", db, () -> db.notifications(null, null, 10));
			refused(InvalidException.class, "limit", db, () -> db.notifications(null, t(3, 0, 0), 0));
		}
	}

	@Test
	void execTakesJsonObjects() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			JsonObject reg = com.google.gson.JsonParser.parseString(DatabaseTest.register("C1", "zhang", "05")).getAsJsonObject();
			assertEquals(4, db.exec(reg).seq());
			refused(InvalidException.class, "command", db, () -> db.exec((JsonObject) null));
			refused(InvalidException.class, "command", db, () -> db.exec((String) null));
			refused(InvalidException.class, "command id", db, () -> db.exec("[1]", "id-1"));
		}
	}
}
