package dev.evertone.proxy;

import static dev.evertone.proxy.Phone.header;
import static dev.evertone.proxy.Phone.headers;
import static dev.evertone.proxy.ProxyHarness.DOMAIN;
import static dev.evertone.proxy.ProxyHarness.password;
import static org.assertj.core.api.Assertions.assertThat;

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
 * A call to an extension rings every device of it (RFC 3261 16.6 parallel forking): the first 200
 * wins and the other branches are cancelled (16.7 step 10), the best failure comes back when none
 * answers (16.7 step 6), the caller's CANCEL cancels every branch (16.10), and requests inside the
 * dialog follow the Record-Route (16.4, RFC 5658).
 */
class RingingTest {
  @TempDir static Path dir;
  private static ProxyHarness proxy;
  private static int extensions;

  private Phone caller;
  private Phone desk;
  private Phone soft;
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

  /** A new extension with a desk phone and a softphone, both registered; a registered caller. */
  @BeforeEach
  void devices() throws IOException {
    extension = Integer.toString(200 + extensions++);
    proxy.addExtension(extension, "desk" + extension, "soft" + extension);
    caller = new Phone(proxy.address(), "caller", DOMAIN);
    desk = new Phone(proxy.address(), "desk" + extension, DOMAIN);
    soft = new Phone(proxy.address(), "soft" + extension, DOMAIN);
    for (Phone p : List.of(desk, soft)) {
      assertThat(p.register(password(p.user), "")).isEqualTo(200);
    }
  }

  @AfterEach
  void hangUp() {
    caller.close();
    desk.close();
    soft.close();
  }

  private Phone.Call dial() throws IOException {
    return caller.dial("sip:" + extension + "@" + DOMAIN, password("caller"));
  }

  @Test
  void aCallToAnExtensionRingsEveryDeviceTheFirst200WinsAndTheOtherDeviceIsCancelled()
      throws Exception {
    dial();
    String atDesk = desk.next("INVITE");
    String atSoft = soft.next("INVITE");
    assertThat(atDesk)
        .startsWith("INVITE " + desk.contact() + " SIP/2.0\r\n")
        .as("one hop less, and the credentials were for the proxy")
        .contains("Max-Forwards: 69\r\n")
        .doesNotContain("Proxy-Authorization");
    assertThat(atSoft).startsWith("INVITE " + soft.contact() + " SIP/2.0\r\n");

    desk.send(desk.answer(atDesk, "180 Ringing"));
    assertThat(caller.nextResponse(180)).contains(";tag=" + desk.user);
    soft.send(soft.answer(atSoft, "200 OK"));
    String ok = caller.nextResponse(200);
    assertThat(header(ok, "Contact")).isEqualTo("<" + soft.contact() + ">");
    assertThat(headers(ok, "Via")).as("only the caller's Via comes back").hasSize(1);

    String cancel = desk.next("CANCEL");
    assertThat(header(cancel, "CSeq")).isEqualTo("2 CANCEL");
    assertThat(header(cancel, "Via")).isEqualTo(header(atDesk, "Via"));
    desk.send(desk.answer(cancel, "200 OK"));
    desk.send(desk.answer(atDesk, "487 Request Terminated"));
    assertThat(desk.next("ACK")).as("the proxy acknowledges the 487 hop by hop").isNotNull();
    assertThat(caller.hearsNothing(200)).as("the caller hears only the winner").isTrue();
    assertThat(proxy.outcome("forwarded")).isPositive();
  }

  @Test
  void busyFromEveryDeviceGivesTheCaller486() throws Exception {
    dial();
    String atDesk = desk.next("INVITE");
    String atSoft = soft.next("INVITE");
    desk.send(desk.answer(atDesk, "486 Busy Here"));
    desk.next("ACK");
    assertThat(caller.hearsNothing(200))
        .as("nothing comes back while the softphone still rings")
        .isTrue();
    soft.send(soft.answer(atSoft, "486 Busy Here"));
    soft.next("ACK");
    assertThat(header(caller.nextResponse(486), "CSeq")).isEqualTo("2 INVITE");
  }

  @Test
  void theCallersCancelCancelsEveryRingingDeviceAndTheCallerGets487() throws Exception {
    Phone.Call call = dial();
    String atDesk = desk.next("INVITE");
    String atSoft = soft.next("INVITE");
    desk.send(desk.answer(atDesk, "180 Ringing"));
    soft.send(soft.answer(atSoft, "180 Ringing"));
    caller.nextResponse(180);

    caller.send(call.cancel());
    assertThat(header(caller.nextResponse(200), "CSeq")).isEqualTo("2 CANCEL");
    for (Phone device : List.of(desk, soft)) {
      String invite = device == desk ? atDesk : atSoft;
      String cancel = device.next("CANCEL");
      device.send(device.answer(cancel, "200 OK"));
      device.send(device.answer(invite, "487 Request Terminated"));
      device.next("ACK");
    }
    String terminated = caller.nextResponse(487);
    assertThat(header(terminated, "CSeq")).isEqualTo("2 INVITE");
    caller.send(call.ack(terminated));
  }

  @Test
  void aByeInTheDialogFollowsTheRecordRouteToTheCallerWhereItsInviteCameFrom() throws Exception {
    dial();
    String atDesk = desk.next("INVITE");
    String atSoft = soft.next("INVITE");
    List<String> recordRoute = headers(atDesk, "Record-Route");
    assertThat(recordRoute)
        .as("two entries of the proxy, each with a flow token (RFC 5658, RFC 5626)")
        .hasSize(2)
        .allMatch(
            r ->
                r.matches(
                    "<sip:[A-Za-z0-9_-]+@127\\.0\\.0\\.1:" + proxy.address().getPort() + ";lr>"));
    soft.send(soft.answer(atSoft, "180 Ringing"));
    String ok = desk.answer(atDesk, "200 OK");
    desk.send(ok);
    caller.nextResponse(200);
    String cancel = soft.next("CANCEL");
    soft.send(soft.answer(cancel, "200 OK"));
    soft.send(soft.answer(atSoft, "487 Request Terminated"));

    // the desk phone hangs up: the caller's Contact is a loopback port the caller never saw a
    // request on before, the Route entries are the proxy's
    desk.send(desk.inDialog("BYE", atDesk, ok, 1));
    String bye = caller.next("BYE");
    assertThat(bye)
        .startsWith("BYE " + caller.contact() + " SIP/2.0\r\n")
        .as("the proxy's Route entries are removed")
        .doesNotContain("Route:");
    assertThat(headers(bye, "Via")).hasSize(2);
    caller.send(caller.answer(bye, "200 OK"));
    assertThat(header(desk.nextResponse(200), "CSeq")).isEqualTo("1 BYE");
    assertThat(proxy.outcome("in-dialog")).isPositive();
  }

  @Test
  void aDeviceWithAHigherQValueRingsFirstAndTheOthersWhenItDoesNotAnswer() throws Exception {
    assertThat(soft.register(password(soft.user), ";q=0.5")).isEqualTo(200);
    dial();
    String atDesk = desk.next("INVITE");
    assertThat(soft.hearsNothing(200)).as("the lower q-value waits").isTrue();
    desk.send(desk.answer(atDesk, "480 Temporarily Unavailable"));
    String atSoft = soft.next("INVITE");
    soft.send(soft.answer(atSoft, "200 OK"));
    assertThat(header(caller.nextResponse(200), "Contact")).isEqualTo("<" + soft.contact() + ">");
  }
}
