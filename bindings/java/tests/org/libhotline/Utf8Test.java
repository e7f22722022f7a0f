package org.libhotline;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Text crosses JNI as UTF-8 bytes: characters beyond U+FFFF (emoji, CJK extension B) round-trip. */
class Utf8Test {
	static final String SUPPLEMENTARY = "灯不亮😀𠀀";

	@Test
	void supplementaryCharactersRoundTrip() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			db.exec(DatabaseTest.register("C1", "zhang", "05").replace("楼道灯不亮", SUPPLEMENTARY));
			assertEquals(SUPPLEMENTARY, db.caseSnapshot("C1").matter());
			assertEquals(SUPPLEMENTARY, db.history("C1").toList().get(0).command().get("matter").getAsString());
		}
	}

	@Test
	void messagesKeepSupplementaryCharacters() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			NotFoundException e = assertThrows(NotFoundException.class, () -> db.caseSnapshot("C😀"));
			assertTrue(e.getMessage().contains("C😀"), e.getMessage());
		}
	}

	@Test
	void nulAndLoneSurrogatesAreRefused() {
		try (Database db = DatabaseTest.directory(Hotline.open("memory:"))) {
			InvalidException nul = assertThrows(InvalidException.class,
				() -> db.exec(DatabaseTest.register("C1", "zhang", "05").replace("楼道", "楼\0道")));
			assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
			InvalidException lone = assertThrows(InvalidException.class,
				() -> db.exec(DatabaseTest.register("C1", "zhang", "05").replace("楼道", "楼\ud83d道")));
			assertTrue(lone.getMessage().contains("surrogate"), lone.getMessage());
			assertThrows(NotFoundException.class, () -> db.caseSnapshot("C1"));
			assertEquals(3, db.verifyLog());
		}
	}
}
