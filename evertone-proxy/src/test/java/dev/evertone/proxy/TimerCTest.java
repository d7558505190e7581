package dev.evertone.proxy;

import static dev.evertone.proxy.Phone.header;
import static dev.evertone.proxy.ProxyHarness.DOMAIN;
import static dev.evertone.proxy.ProxyHarness.password;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timer C (RFC 3261 16.8): a branch of an INVITE that rings too long is cancelled, and one whose
 * target never answers at all ends as 408. Here Timer C is half a second instead of the 3 minutes
 * and more the server allows.
 */
class TimerCTest {
  private static final int TIMER_C_MILLIS = 500;

  @TempDir static Path dir;
  private static ProxyHarness proxy;

  @BeforeAll
  static void start() throws Exception {
    proxy = new ProxyHarness(dir, TIMER_C_MILLIS);
    proxy.addExtension("100", "caller");
    proxy.addExtension("600", "desk600");
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @Test
  void aDeviceThatRingsLongerThanTimerCIsCancelledAndTheCallerGetsItsAnswer() throws Exception {
    try (Phone caller = new Phone(proxy.address(), "caller", DOMAIN);
        Phone desk = new Phone(proxy.address(), "desk600", DOMAIN)) {
      assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
      caller.dial("sip:600@" + DOMAIN, password("caller"));
      String atDesk = desk.next("INVITE");
      long ringing = System.nanoTime();
      desk.send(desk.answer(atDesk, "180 Ringing"));
      caller.nextResponse(180);

      String cancel = desk.next("CANCEL");
      assertThat((System.nanoTime() - ringing) / 1_000_000)
          .as("the desk rang for Timer C")
          .isGreaterThanOrEqualTo(TIMER_C_MILLIS - 50);
      desk.send(desk.answer(cancel, "200 OK"));
      desk.send(desk.answer(atDesk, "487 Request Terminated"));
      desk.next("ACK");
      assertThat(header(caller.nextResponse(487), "CSeq")).isEqualTo("2 INVITE");
    }
  }

  @Test
  void aDeviceThatNeverAnswersEndsAs408AfterTimerC() throws Exception {
    try (Phone caller = new Phone(proxy.address(), "caller", DOMAIN);
        Phone desk = new Phone(proxy.address(), "desk600", DOMAIN)) {
      assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
      caller.dial("sip:600@" + DOMAIN, password("caller"));
      desk.next("INVITE");
      assertThat(header(caller.nextResponse(408), "CSeq")).isEqualTo("2 INVITE");
    }
  }
}
