package dev.evertone.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls between phones through evertone's stateful proxy (RFC 3261 16), with UDP phones written out message by
 * message: forking to every device of an extension, CANCEL, busy, in-dialog requests over the Record-Route flow
 * tokens (RFC 5626 5.2, RFC 5658), and the refusals.
 */
class CallTest {
  private static final String DOMAIN = "sip.example.com";
  private static final AtomicInteger CALLS = new AtomicInteger();
  @TempDir Path dir;
  private ServerFixture fx;
  private UdpClient caller;
  private UdpClient desk;
  private UdpClient soft;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir);
    fx.provision(DOMAIN, 3);
    // extension 2001: a desk phone (line acme-2001) and a softphone (line acme-2001s)
    fx.provisioning().addDevice(new NewDevice(DOMAIN, "2001", "Front desk", "00:15:65:aa:bb:01", "Yealink T54W", null,
        List.of(new NewLine(null, "acme-2001", "pw-desk"))));
    fx.provisioning().addDevice(new NewDevice(DOMAIN, "2001", null, null, "Linphone", null, List.of(new NewLine(null, "acme-2001s", "pw-soft"))));
    caller = new UdpClient(fx.udp());
    desk = new UdpClient(fx.udp());
    soft = new UdpClient(fx.udp());
    assertThat(DigestRegister.register(caller, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
    assertThat(DigestRegister.register(desk, "acme-2001", DOMAIN, "pw-desk")).isEqualTo(200);
    assertThat(DigestRegister.register(soft, "acme-2001s", DOMAIN, "pw-soft")).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    caller.close();
    desk.close();
    soft.close();
    fx.close();
  }

  /** One call's identifiers, as the calling phone keeps them. */
  private static final class Call {
    final String callId = "call-" + CALLS.incrementAndGet() + "-" + System.nanoTime();
    final String target;
    String branch;
    int cseq = 1;

    Call(String target) {
      this.target = target;
    }
  }

  /** The caller's INVITE; its Contact is a private address, as a phone behind NAT writes it. */
  private String invite(Call c, String extra) {
    return "INVITE " + c.target + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch=" + c.branch + ";rport\r\nMax-Forwards: 70\r\n"
        + "From: \"Reception\" <sip:u100001@" + DOMAIN + ">;tag=caller" + c.callId + "\r\nTo: <" + c.target + ">\r\nCall-ID: " + c.callId
        + "\r\nCSeq: " + c.cseq + " INVITE\r\nContact: <sip:u100001@10.0.0.99:5060>\r\n" + extra
        + "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n";
  }

  /** INVITE, 407, ACK, INVITE with credentials: returns when the authenticated INVITE is sent. */
  private Call dial(String target) throws IOException {
    Call c = new Call(target);
    c.branch = "z9hG4bK" + System.nanoTime();
    String challenge = caller.exchange(invite(c, ""));
    assertThat(challenge).startsWith("SIP/2.0 407 ");
    caller.send(ack(c, toOf(challenge), target, List.of()));
    c.cseq++;
    c.branch = "z9hG4bK" + System.nanoTime();
    String auth = DigestRegister.answer(challenge, "INVITE", target, "u100001", DOMAIN, "pwu100001");
    caller.send(invite(c, "Proxy-Authorization: " + auth + "\r\n"));
    return c;
  }

  /** An ACK in the caller's transaction or dialog: {@code routes} is the dialog's route set. */
  private String ack(Call c, String to, String uri, List<String> routes) {
    StringBuilder r = new StringBuilder("ACK " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch=" + c.branch + ";rport\r\n");
    routes.forEach(x -> r.append("Route: ").append(x).append("\r\n"));
    return r + "Max-Forwards: 70\r\nFrom: \"Reception\" <sip:u100001@" + DOMAIN + ">;tag=caller" + c.callId + "\r\nTo: " + to + "\r\nCall-ID: "
        + c.callId + "\r\nCSeq: " + c.cseq + " ACK\r\nContent-Length: 0\r\n\r\n";
  }

  /** The CANCEL of the caller's INVITE (RFC 3261 9.1: same branch, same CSeq number). */
  private String cancel(Call c) {
    return "CANCEL " + c.target + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch=" + c.branch + ";rport\r\nMax-Forwards: 70\r\n"
        + "From: \"Reception\" <sip:u100001@" + DOMAIN + ">;tag=caller" + c.callId + "\r\nTo: <" + c.target + ">\r\nCall-ID: " + c.callId
        + "\r\nCSeq: " + c.cseq + " CANCEL\r\nContent-Length: 0\r\n\r\n";
  }

  /** A response of a called phone: {@link DeviceAnswers}, with the Record-Route echoed and a Contact (RFC 3261 12.1.1). */
  private static String answer(String request, String status, UdpClient phone) {
    String base = DeviceAnswers.answer(request, status);
    StringBuilder extra = new StringBuilder();
    headers(request, "Record-Route").forEach(rr -> extra.append("Record-Route: ").append(rr).append("\r\n"));
    extra.append("Contact: <sip:phone@127.0.0.1:").append(phone.port()).append(">\r\n");
    return base.replace("Content-Length: 0\r\n", extra + "Content-Length: 0\r\n");
  }

  private static List<String> headers(String message, String name) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?md)^" + name + ": ([^\r]*)\r$").matcher(message.substring(0, message.indexOf("\r\n\r\n") + 2));
    while (m.find()) {
      for (String v : m.group(1).split(",\\s*(?=<)")) {
        out.add(v);
      }
    }
    return out;
  }

  private static String toOf(String message) {
    return headers(message, "To").get(0);
  }

  /** The next request of {@code method} that {@code phone} receives (a retransmission of something else is skipped). */
  private static String next(UdpClient phone, String method) throws IOException {
    for (int i = 0; i < 10; i++) {
      String m = phone.receive(5000);
      assertThat(m).as("a %s should arrive", method).isNotNull();
      if (m.startsWith(method + " ")) {
        return m;
      }
    }
    throw new AssertionError("no " + method + " arrived");
  }

  /** The next response with {@code status} that {@code phone} receives. */
  private static String nextResponse(UdpClient phone, int status) throws IOException {
    for (int i = 0; i < 10; i++) {
      String m = phone.receive(5000);
      assertThat(m).as("a %d should arrive", status).isNotNull();
      if (m.startsWith("SIP/2.0 " + status + " ")) {
        return m;
      }
    }
    throw new AssertionError("no " + status + " arrived");
  }

  @Test
  void anExtensionRingsEveryDeviceTheOneThatAnswersGetsTheCallTheOtherIsCancelledAndByeTravelsTheFlowTokens() throws Exception {
    Call call = dial("sip:2001@" + DOMAIN);
    String atDesk = next(desk, "INVITE");
    String atSoft = next(soft, "INVITE");
    assertThat(atDesk).startsWith("INVITE sip:acme-2001@127.0.0.1:" + desk.port() + " SIP/2.0").contains("Max-Forwards: 69\r\n")
        .doesNotContain("Proxy-Authorization");
    List<String> rr = headers(atSoft, "Record-Route");
    assertThat(rr).as("two entries of evertone, the callee's side on top (RFC 5658)").hasSize(2)
        .allMatch(x -> x.matches("<sip:[A-Za-z0-9_-]+@127\\.0\\.0\\.1:" + fx.udp().getPort() + ";lr>"));

    desk.send(answer(atDesk, "180 Ringing", desk));
    assertThat(nextResponse(caller, 180)).contains("To: <sip:2001@" + DOMAIN + ">;tag=device");
    soft.send(answer(atSoft, "200 OK", soft));
    String ok = nextResponse(caller, 200);
    assertThat(ok).contains("CSeq: 2 INVITE").contains("Contact: <sip:phone@127.0.0.1:" + soft.port() + ">");
    assertThat(headers(ok, "Via")).as("only the caller's Via comes back").hasSize(1);

    // the desk phone, still ringing, is cancelled; it ends its INVITE with 487, which evertone acknowledges
    String cancelled = next(desk, "CANCEL");
    assertThat(cancelled).contains("CSeq: 2 CANCEL");
    desk.send(DeviceAnswers.answer(cancelled, "200 OK"));
    desk.send(answer(atDesk, "487 Request Terminated", desk));
    assertThat(next(desk, "ACK")).contains("CSeq: 2 ACK");

    // the caller acknowledges the 2xx end to end along the route set (the Record-Route reversed)
    List<String> callerRoutes = new ArrayList<>(headers(ok, "Record-Route"));
    Collections.reverse(callerRoutes);
    call.branch = "z9hG4bK" + System.nanoTime();
    caller.send(ack(call, toOf(ok), "sip:phone@127.0.0.1:" + soft.port(), callerRoutes));
    String ackAtSoft = next(soft, "ACK");
    assertThat(ackAtSoft).startsWith("ACK sip:phone@127.0.0.1:" + soft.port() + " SIP/2.0").doesNotContain("Route:");

    // the called phone hangs up: the BYE goes to the caller's Contact (a private address) along the route set,
    // and reaches the caller where its INVITE came from
    String bye = "BYE sip:u100001@10.0.0.99:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + soft.port() + ";branch=z9hG4bKbye"
        + System.nanoTime() + ";rport\r\nRoute: " + rr.get(0) + "\r\nRoute: " + rr.get(1) + "\r\nMax-Forwards: 70\r\nFrom: " + toOf(ok)
        + "\r\nTo: " + headers(ok, "From").get(0) + "\r\nCall-ID: " + call.callId + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
    soft.send(bye);
    String byeAtCaller = next(caller, "BYE");
    assertThat(byeAtCaller).startsWith("BYE sip:u100001@10.0.0.99:5060 SIP/2.0").doesNotContain("Route:");
    caller.send(DeviceAnswers.answer(byeAtCaller, "200 OK"));
    assertThat(nextResponse(soft, 200)).contains("CSeq: 1 BYE");
  }

  @Test
  void theCallerCancelsWhileEveryDeviceRingsAndGets487() throws Exception {
    Call call = dial("sip:2001@" + DOMAIN);
    String atDesk = next(desk, "INVITE");
    String atSoft = next(soft, "INVITE");
    desk.send(answer(atDesk, "180 Ringing", desk));
    soft.send(answer(atSoft, "180 Ringing", soft));
    nextResponse(caller, 180);

    caller.send(cancel(call));
    assertThat(nextResponse(caller, 200)).contains("CSeq: 2 CANCEL");
    for (UdpClient phone : List.of(desk, soft)) {
      String c = next(phone, "CANCEL");
      phone.send(DeviceAnswers.answer(c, "200 OK"));
      phone.send(answer(phone == desk ? atDesk : atSoft, "487 Request Terminated", phone));
      assertThat(next(phone, "ACK")).contains("CSeq: 2 ACK");
    }
    String terminated = nextResponse(caller, 487);
    assertThat(terminated).contains("CSeq: 2 INVITE");
    caller.send(ack(call, toOf(terminated), call.target, List.of()));
  }

  @Test
  void busyComesBackAndAnUnregisteredTargetIsTemporarilyUnavailable() throws Exception {
    dial("sip:acme-2001@" + DOMAIN);
    String atDesk = next(desk, "INVITE");
    desk.send(answer(atDesk, "486 Busy Here", desk));
    assertThat(next(desk, "ACK")).as("evertone acknowledges the 486 hop by hop").contains("CSeq: 2 ACK");
    assertThat(nextResponse(caller, 486)).contains("CSeq: 2 INVITE");
    assertThat(soft.receive(300)).as("only the line that was called rings").isNull();

    dial("sip:u100002@" + DOMAIN); // provisioned, not registered
    assertThat(nextResponse(caller, 480)).contains("CSeq: 2 INVITE");
  }

  @Test
  void aRequestInADialogEvertoneDidNotSetUpIsRefused() throws Exception {
    String target = "sip:phone@127.0.0.1:" + desk.port();
    String bye = "BYE " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + caller.port() + ";branch=z9hG4bKx%d"
        + ";rport\r\n%sMax-Forwards: 70\r\nFrom: <sip:u100001@" + DOMAIN + ">;tag=a\r\nTo: <sip:2001@" + DOMAIN
        + ">;tag=b\r\nCall-ID: stray-" + System.nanoTime() + "\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n";
    // no route: evertone is not an open relay
    assertThat(caller.exchange(String.format(bye, System.nanoTime(), ""))).startsWith("SIP/2.0 404 ").contains("not a dialog of this proxy");
    // a route naming evertone with a made-up flow token
    assertThat(caller.exchange(String.format(bye, System.nanoTime(), "Route: <sip:AH8AAAET2CDCDG3avaSd@127.0.0.1:" + fx.udp().getPort() + ";lr>\r\n")))
        .startsWith("SIP/2.0 404 ");
    assertThat(desk.receive(300)).as("nothing reached the phone").isNull();
    // outside a dialog, a BYE makes no sense
    assertThat(caller.exchange(String.format(bye, System.nanoTime(), "").replace(";tag=b", ""))).startsWith("SIP/2.0 481 ");
  }
}
