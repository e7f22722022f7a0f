package org.libhotline;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The example of docs/guide-java.md, kept compiling and passing here (docs/guide-java.md shows the lines between its markers, and tests/docs/check_guides.py compares them). */
class GuideExampleTest {
	@Test
	void guideExample() {
		// [guide:example]
		try (Database db = Hotline.open("memory:", new OpenOptions().policy("gm-hotline"))) {
			db.exec("{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}");
			db.exec("{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}");
			db.exec("{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\"}");
			String register = "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\","
				+ "\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\","
				+ "\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}";
			Applied first = db.exec(register, "req-42");
			Applied again = db.exec(register, "req-42");   // a retry: nothing appended
			if (!again.repeated() || again.seq() != first.seq())
				throw new IllegalStateException("a retry must not append");
			try {
				db.exec("{\"cmd\":\"dispatch\",\"case\":\"C9\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}");
				throw new IllegalStateException("C9 does not exist");
			} catch (NotFoundException e) {
				System.out.println(e.errorName() + ": " + e.getMessage());   // not_found: ...
			}
			Case snapshot = db.caseSnapshot("C1");                    // a record; json() is the document
			System.out.println(snapshot.state() + " " + snapshot.owner() + " next due " + snapshot.nextDue());
			Assessment month = db.assess(Instant.parse("2026-11-27T00:00:00Z"));
			for (Penalty p : month.penalties())
				System.out.println(p.rule() + " " + p.caseId() + " " + p.person() + " " + p.amountFen() + " fen");
			for (Due d : db.deadlines(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
					null, null, Instant.parse("2026-11-27T00:00:00Z")))
				System.out.println(d.due() + " " + d.rule() + " " + d.title().zh() + (d.overdue() ? " overdue" : ""));
			if (!snapshot.owner().equals("王女士"))
				throw new IllegalStateException("names round-trip as UTF-8");
		}
		// [/guide:example]
	}
}
