package dev.evertone.proxy;

import static dev.evertone.proxy.ProxyHarness.DOMAIN;
import static dev.evertone.proxy.ProxyHarness.password;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.calls.CallRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every call through the proxy leaves a record (CDR) once it ends: who called whom, when it was
 * answered, who hung up, the status the caller got, and a count per outcome.
 */
class CallRecordsTest {
  @TempDir static Path dir;
  private static ProxyHarness proxy;
  private static int extensions;

  private Phone caller;
  private Phone desk;
  private String extension;

  @BeforeAll
  static void start() throws Exception {
    proxy = new ProxyHarness(dir);
    proxy.addExtension("100", "caller");
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void devices() throws IOException {
    extension = Integer.toString(300 + extensions++);
    proxy.addExtension(extension, "desk" + extension);
    caller = new Phone(proxy.address(), "caller", DOMAIN);
    desk = new Phone(proxy.address(), "desk" + extension, DOMAIN);
    assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
  }

  @AfterEach
  void hangUp() {
    caller.close();
    desk.close();
  }

  private Phone.Call dial() throws IOException {
    return caller.dial("sip:" + extension + "@" + DOMAIN, password("caller"));
  }

  /** The record of {@code callId}, once the store thread has written it. */
  private static CallRecord record(String callId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      List<CallRecord> found =
          proxy.store.calls().list(DOMAIN, null, null, 100).stream()
              .filter(r -> r.callId().equals(callId))
              .toList();
      if (!found.isEmpty()) {
        return found.get(0);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no record of call " + callId);
  }

  @Test
  void anAnsweredCallThatTheCalleeHangsUpIsRecordedAsAnsweredAndEndedByTheCallee()
      throws Exception {
    double answeredBefore = proxy.calls("answered");
    Phone.Call call = dial();
    String atDesk = desk.next("INVITE");
    desk.send(desk.answer(atDesk, "180 Ringing"));
    caller.nextResponse(180);
    proxy.clock.advanceSeconds(3); // three seconds of ringing
    String ok = desk.answer(atDesk, "200 OK");
    desk.send(ok);
    caller.nextResponse(200);
    proxy.clock.advanceSeconds(60); // a minute of talking
    desk.send(desk.inDialog("BYE", atDesk, ok, 1));
    String bye = caller.next("BYE");
    caller.send(caller.answer(bye, "200 OK"));
    desk.nextResponse(200);

    CallRecord r = record(call.callId);
    assertThat(r.caller()).isEqualTo("sip:caller@" + DOMAIN);
    assertThat(r.callee()).isEqualTo("sip:" + extension + "@" + DOMAIN);
    assertThat(r.domain()).isEqualTo(DOMAIN);
    assertThat(r.direction()).isEqualTo(CallRecord.Direction.INTERNAL);
    assertThat(r.trunk()).isNull();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.endedBy()).isEqualTo(CallRecord.EndedBy.CALLEE);
    assertThat(r.answeredAt()).isEqualTo(r.setupAt().plusSeconds(3));
    assertThat(r.endedAt()).isEqualTo(r.setupAt().plusSeconds(63));
    assertThat(r.quality()).as("media end to end: nothing measured").isNull();
    assertThat(r.outcome()).isEqualTo("answered");
    assertThat(proxy.calls("answered")).isEqualTo(answeredBefore + 1);
  }

  @Test
  void aBusyCalleeGivesARecordWith486EndedByTheCallee() throws Exception {
    double busyBefore = proxy.calls("busy");
    Phone.Call call = dial();
    String atDesk = desk.next("INVITE");
    desk.send(desk.answer(atDesk, "486 Busy Here"));
    desk.next("ACK");
    caller.nextResponse(486);

    CallRecord r = record(call.callId);
    assertThat(r.status()).isEqualTo(486);
    assertThat(r.answeredAt()).isNull();
    assertThat(r.endedBy()).isEqualTo(CallRecord.EndedBy.CALLEE);
    assertThat(r.outcome()).isEqualTo("busy");
    assertThat(proxy.calls("busy")).isEqualTo(busyBefore + 1);
  }

  @Test
  void aCallTheCallerCancelsGivesARecordWith487EndedByTheCaller() throws Exception {
    double cancelledBefore = proxy.calls("cancelled");
    Phone.Call call = dial();
    String atDesk = desk.next("INVITE");
    desk.send(desk.answer(atDesk, "180 Ringing"));
    caller.nextResponse(180);
    caller.send(call.cancel());
    caller.nextResponse(200);
    String cancel = desk.next("CANCEL");
    desk.send(desk.answer(cancel, "200 OK"));
    desk.send(desk.answer(atDesk, "487 Request Terminated"));
    desk.next("ACK");
    caller.nextResponse(487);

    CallRecord r = record(call.callId);
    assertThat(r.status()).isEqualTo(487);
    assertThat(r.endedBy()).isEqualTo(CallRecord.EndedBy.CALLER);
    assertThat(r.outcome()).isEqualTo("cancelled");
    assertThat(proxy.calls("cancelled")).isEqualTo(cancelledBefore + 1);
  }

  @Test
  void aCallNoDeviceCanTakeIsRecordedAsUnansweredEndedByTheSystem() throws Exception {
    Phone.Call call = caller.dial("sip:999@" + DOMAIN, password("caller"));
    assertThat(caller.receive(3000)).startsWith("SIP/2.0 480 ");
    CallRecord r = record(call.callId);
    assertThat(r.status()).isEqualTo(480);
    assertThat(r.endedBy()).isEqualTo(CallRecord.EndedBy.SYSTEM);
    assertThat(r.outcome()).isEqualTo("no_answer");
  }

  @Test
  void anAnsweredCallIsToldWithItsPartiesAndIsInProgressUntilItsBye() throws Exception {
    List<CallRecords.Active> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
    proxy.records.onAnswered(answered::add);
    try {
      Phone.Call call = dial();
      String atDesk = desk.next("INVITE");
      assertThat(proxy.records.active(call.callId)).as("ringing").isPresent();
      assertThat(proxy.records.active(call.callId).get().answeredAt()).isNull();
      String ok = desk.answer(atDesk, "200 OK");
      desk.send(ok);
      caller.nextResponse(200);
      assertThat(answered).hasSize(1);
      CallRecords.Active a = answered.get(0);
      assertThat(a.callId()).isEqualTo(call.callId);
      assertThat(a.domain()).isEqualTo(DOMAIN);
      assertThat(a.caller()).isEqualTo("sip:caller@" + DOMAIN);
      assertThat(a.callee()).isEqualTo("sip:" + extension + "@" + DOMAIN);
      assertThat(a.answeredAt()).isNotNull();
      desk.send(desk.inDialog("BYE", atDesk, ok, 1));
      String bye = caller.next("BYE");
      caller.send(caller.answer(bye, "200 OK"));
      desk.nextResponse(200);
      assertThat(proxy.records.active(call.callId)).as("ended").isEmpty();
    } finally {
      proxy.records.onAnswered(a -> {});
    }
  }
}
