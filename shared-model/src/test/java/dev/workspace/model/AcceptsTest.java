package dev.workspace.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptsTest {
  private static JsonNode card(String json) throws Exception {
    return FrameCodec.DEFAULT.mapper().readTree(json);
  }

  @Test
  void aCardWithoutAcceptsSetsNoLimits() throws Exception {
    assertSame(Accepts.ANY, Accepts.ofCard(null));
    assertSame(Accepts.ANY, Accepts.ofCard(card("{\"name\":\"x\"}")));
    assertSame(Accepts.ANY, Accepts.ofCard(card("{\"accepts\":null}")));
    assertNull(Accepts.ANY.refusesCount(1_000, "x"));
    assertNull(Accepts.ANY.refusesFile("f", null, Long.MAX_VALUE, "x"));
  }

  @Test
  void limitsAreReadAndHeld() throws Exception {
    Accepts a = Accepts.ofCard(card("{\"accepts\":{\"max_file_size\":100,\"max_files\":2,"
        + "\"media_types\":[\"Text/Plain\",\"image/*\"]}}"));
    assertEquals(new Accepts(100, 2, List.of("text/plain", "image/*")), a);
    assertNull(a.refusesCount(2, "r"));
    assertEquals("agent 'r' accepts at most 2 files with a task, this one carries 3", a.refusesCount(3, "r"));
    assertNull(a.refusesFile("a.txt", "text/plain; charset=utf-8", 100, "r"));
    assertEquals("file 'a.txt' is 101 bytes; agent 'r' accepts at most 100 bytes per file",
        a.refusesFile("a.txt", "text/plain", 101, "r"));
    assertNull(a.refusesFile("p.png", "IMAGE/PNG", 1, "r"));
    assertTrue(a.refusesFile("d.pdf", "application/pdf", 1, "r").contains("application/pdf"));
    assertTrue(a.refusesFile("blob", null, 1, "r").contains("application/octet-stream"));
    assertFalse(a.takes("imagex/png"));
    assertFalse(a.takes("text/plainer"));
  }

  @Test
  void malformedLimitsAreRefusedNamingTheField() {
    for (String bad : List.of("{\"accepts\":[]}", "{\"accepts\":{\"max_file_size\":0}}",
        "{\"accepts\":{\"max_file_size\":1.5}}", "{\"accepts\":{\"max_files\":\"2\"}}",
        "{\"accepts\":{\"max_files\":3000000000}}", "{\"accepts\":{\"media_types\":\"text/plain\"}}",
        "{\"accepts\":{\"media_types\":[\"text\"]}}", "{\"accepts\":{\"media_types\":[7]}}")) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> Accepts.ofCard(card(bad)), bad);
      assertEquals(ErrorCode.INVALID_FRAME, e.code(), bad);
      assertTrue(e.getMessage().startsWith("metadata.accepts"), e.getMessage());
    }
  }
}
