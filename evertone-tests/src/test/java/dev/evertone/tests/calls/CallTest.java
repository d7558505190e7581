package dev.evertone.tests.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.tests.support.CallingPhone;
import dev.evertone.tests.support.DeviceAnswers;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls between phones through evertone's stateful proxy (RFC 3261 16), with UDP phones written out
 * message by message: forking to every device of an extension, CANCEL, busy, in-dialog requests
 * over the Record-Route flow tokens (RFC 5626 5.2, RFC 5658), and the refusals.
 */
class CallTest {
  private static final String DOMAIN = "sip.example.com";
  @TempDir Path dir;
  private ServerFixture fx;
  private UdpClient caller;
  private CallingPhone phone;
  private UdpClient desk;
  private UdpClient soft;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir);
    fx.provision(DOMAIN, 3);
    // extension 2001: a desk phone (line acme-2001) and a softphone (line acme-2001s)
    fx.provisioning()
        .addDevice(
            new NewDevice(
                DOMAIN,
                "2001",
                "Front desk",
                "00:15:65:aa:bb:01",
                "Yealink T54W",
                null,
                List.of(new NewLine(null, "acme-2001", "pw-desk"))));
    fx.provisioning()
        .addDevice(
            new NewDevice(
                DOMAIN,
                "2001",
                null,
                null,
                "Linphone",
                null,
                List.of(new NewLine(null, "acme-2001s", "pw-soft"))));
    caller = new UdpClient(fx.udp());
    desk = new UdpClient(fx.udp());
    soft = new UdpClient(fx.udp());
    assertThat(DigestRegister.register(caller, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
    phone = new CallingPhone(caller, "u100001", "pwu100001", DOMAIN);
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

  @Test
  void
      anExtensionRingsEveryDeviceTheOneThatAnswersGetsTheCallTheOtherIsCancelledAndByeTravelsTheFlowTokens()
          throws Exception {
    CallingPhone.Call call = phone.dial("sip:2001@" + DOMAIN);
    String atDesk = CallingPhone.next(desk, "INVITE");
    String atSoft = CallingPhone.next(soft, "INVITE");
    assertThat(atDesk)
        .startsWith("INVITE sip:acme-2001@127.0.0.1:" + desk.port() + " SIP/2.0")
        .contains("Max-Forwards: 69\r\n")
        .doesNotContain("Proxy-Authorization");
    List<String> rr = CallingPhone.headers(atSoft, "Record-Route");
    assertThat(rr)
        .as("two entries of evertone, the callee's side on top (RFC 5658)")
        .hasSize(2)
        .allMatch(
            x -> x.matches("<sip:[A-Za-z0-9_-]+@127\\.0\\.0\\.1:" + fx.udp().getPort() + ";lr>"));

    desk.send(CallingPhone.answer(atDesk, "180 Ringing", desk));
    assertThat(CallingPhone.nextResponse(caller, 180))
        .contains("To: <sip:2001@" + DOMAIN + ">;tag=device");
    soft.send(CallingPhone.answer(atSoft, "200 OK", soft));
    String ok = CallingPhone.nextResponse(caller, 200);
    assertThat(ok)
        .contains("CSeq: 2 INVITE")
        .contains("Contact: <sip:phone@127.0.0.1:" + soft.port() + ">");
    assertThat(CallingPhone.headers(ok, "Via")).as("only the caller's Via comes back").hasSize(1);

    // the desk phone, still ringing, is cancelled; it ends its INVITE with 487, which evertone
    // acknowledges
    String cancelled = CallingPhone.next(desk, "CANCEL");
    assertThat(cancelled).contains("CSeq: 2 CANCEL");
    desk.send(DeviceAnswers.answer(cancelled, "200 OK"));
    desk.send(CallingPhone.answer(atDesk, "487 Request Terminated", desk));
    assertThat(CallingPhone.next(desk, "ACK")).contains("CSeq: 2 ACK");

    // the caller acknowledges the 2xx end to end along the route set (the Record-Route reversed)
    List<String> callerRoutes = new ArrayList<>(CallingPhone.headers(ok, "Record-Route"));
    Collections.reverse(callerRoutes);
    call.branch = "z9hG4bK" + System.nanoTime();
    caller.send(
        phone.ack(call, CallingPhone.toOf(ok), "sip:phone@127.0.0.1:" + soft.port(), callerRoutes));
    String ackAtSoft = CallingPhone.next(soft, "ACK");
    assertThat(ackAtSoft)
        .startsWith("ACK sip:phone@127.0.0.1:" + soft.port() + " SIP/2.0")
        .doesNotContain("Route:");

    // the called phone hangs up: the BYE goes to the caller's Contact (a private address) along the
    // route set,
    // and reaches the caller where its INVITE came from
    String bye =
        "BYE sip:u100001@10.0.0.99:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
            + soft.port()
            + ";branch=z9hG4bKbye"
            + System.nanoTime()
            + ";rport\r\nRoute: "
            + rr.get(0)
            + "\r\nRoute: "
            + rr.get(1)
            + "\r\nMax-Forwards: 70\r\nFrom: "
            + CallingPhone.toOf(ok)
            + "\r\nTo: "
            + CallingPhone.headers(ok, "From").get(0)
            + "\r\nCall-ID: "
            + call.callId
            + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
    soft.send(bye);
    String byeAtCaller = CallingPhone.next(caller, "BYE");
    assertThat(byeAtCaller)
        .startsWith("BYE sip:u100001@10.0.0.99:5060 SIP/2.0")
        .doesNotContain("Route:");
    caller.send(DeviceAnswers.answer(byeAtCaller, "200 OK"));
    assertThat(CallingPhone.nextResponse(soft, 200)).contains("CSeq: 1 BYE");
  }

  @Test
  void theCallerCancelsWhileEveryDeviceRingsAndGets487() throws Exception {
    CallingPhone.Call call = phone.dial("sip:2001@" + DOMAIN);
    String atDesk = CallingPhone.next(desk, "INVITE");
    String atSoft = CallingPhone.next(soft, "INVITE");
    desk.send(CallingPhone.answer(atDesk, "180 Ringing", desk));
    soft.send(CallingPhone.answer(atSoft, "180 Ringing", soft));
    CallingPhone.nextResponse(caller, 180);

    caller.send(phone.cancel(call));
    assertThat(CallingPhone.nextResponse(caller, 200)).contains("CSeq: 2 CANCEL");
    for (UdpClient device : List.of(desk, soft)) {
      String c = CallingPhone.next(device, "CANCEL");
      device.send(DeviceAnswers.answer(c, "200 OK"));
      device.send(
          CallingPhone.answer(device == desk ? atDesk : atSoft, "487 Request Terminated", device));
      assertThat(CallingPhone.next(device, "ACK")).contains("CSeq: 2 ACK");
    }
    String terminated = CallingPhone.nextResponse(caller, 487);
    assertThat(terminated).contains("CSeq: 2 INVITE");
    caller.send(phone.ack(call, CallingPhone.toOf(terminated), call.target, List.of()));
  }

  @Test
  void busyComesBackAndAnUnregisteredTargetIsTemporarilyUnavailable() throws Exception {
    phone.dial("sip:acme-2001@" + DOMAIN);
    String atDesk = CallingPhone.next(desk, "INVITE");
    desk.send(CallingPhone.answer(atDesk, "486 Busy Here", desk));
    assertThat(CallingPhone.next(desk, "ACK"))
        .as("evertone acknowledges the 486 hop by hop")
        .contains("CSeq: 2 ACK");
    assertThat(CallingPhone.nextResponse(caller, 486)).contains("CSeq: 2 INVITE");
    assertThat(soft.poll(300)).as("only the line that was called rings").isNull();

    phone.dial("sip:u100002@" + DOMAIN); // provisioned, not registered
    assertThat(CallingPhone.nextResponse(caller, 480)).contains("CSeq: 2 INVITE");
  }

  @Test
  void aRequestInADialogEvertoneDidNotSetUpIsRefused() throws Exception {
    String target = "sip:phone@127.0.0.1:" + desk.port();
    String bye =
        "BYE "
            + target
            + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
            + caller.port()
            + ";branch=z9hG4bKx%d"
            + ";rport\r\n%sMax-Forwards: 70\r\nFrom: <sip:u100001@"
            + DOMAIN
            + ">;tag=a\r\nTo: <sip:2001@"
            + DOMAIN
            + ">;tag=b\r\nCall-ID: stray-"
            + System.nanoTime()
            + "\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n";
    // no route: evertone is not an open relay
    assertThat(caller.exchange(String.format(bye, System.nanoTime(), "")))
        .startsWith("SIP/2.0 404 ")
        .contains("not a dialog of this proxy");
    // a route naming evertone with a made-up flow token
    assertThat(
            caller.exchange(
                String.format(
                    bye,
                    System.nanoTime(),
                    "Route: <sip:AH8AAAET2CDCDG3avaSd@127.0.0.1:"
                        + fx.udp().getPort()
                        + ";lr>\r\n")))
        .startsWith("SIP/2.0 404 ");
    assertThat(desk.poll(300)).as("nothing reached the phone").isNull();
    // outside a dialog, a BYE makes no sense
    assertThat(caller.exchange(String.format(bye, System.nanoTime(), "").replace(";tag=b", "")))
        .startsWith("SIP/2.0 481 ");
  }

  @Test
  void devicesWithAHigherQValueRingFirstAndTheOthersWhenTheyDoNotAnswer() throws Exception {
    // the softphone registers again with q=0.5: the desk phone (q 1.0, the default) rings first,
    // alone
    assertThat(DigestRegister.register(soft, "acme-2001s", DOMAIN, "pw-soft", ";q=0.5"))
        .isEqualTo(200);
    phone.dial("sip:2001@" + DOMAIN);
    String atDesk = CallingPhone.next(desk, "INVITE");
    assertThat(soft.poll(300)).as("the lower q-value waits").isNull();
    desk.send(CallingPhone.answer(atDesk, "480 Temporarily Unavailable", desk));
    String atSoft = CallingPhone.next(soft, "INVITE");
    soft.send(CallingPhone.answer(atSoft, "200 OK", soft));
    assertThat(CallingPhone.nextResponse(caller, 200))
        .contains("Contact: <sip:phone@127.0.0.1:" + soft.port() + ">");
  }

  @Test
  void aBusyLampSubscriptionReachesTheDeviceAndItsNotifyComesBackInTheDialog() throws Exception {
    // RFC 6665: SUBSCRIBE creates a dialog like INVITE does, so evertone record-routes it; NOTIFY
    // travels back in it
    String target = "sip:acme-2001@" + DOMAIN;
    String subscribe =
        "SUBSCRIBE "
            + target
            + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch=z9hG4bKsub%d;rport\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:u100001@"
            + DOMAIN
            + ">;tag=blf1\r\nTo: <"
            + target
            + ">\r\nCall-ID: blf-"
            + System.nanoTime()
            + "\r\nCSeq: %d SUBSCRIBE\r\nContact: <sip:u100001@10.0.0.99:5060>\r\nEvent: dialog\r\nAccept: application/dialog-info+xml\r\n"
            + "Expires: 600\r\n%sContent-Length: 0\r\n\r\n";
    String challenge = caller.exchange(String.format(subscribe, 1, 1, ""));
    assertThat(challenge).startsWith("SIP/2.0 407 ");
    String auth =
        "Proxy-Authorization: "
            + DigestRegister.answer(challenge, "SUBSCRIBE", target, "u100001", DOMAIN, "pwu100001")
            + "\r\n";
    caller.send(String.format(subscribe, 2, 2, auth));
    String atDesk = CallingPhone.next(desk, "SUBSCRIBE");
    assertThat(atDesk).contains("Event: dialog").doesNotContain("Proxy-Authorization");
    List<String> rr = CallingPhone.headers(atDesk, "Record-Route");
    assertThat(rr).hasSize(2);
    desk.send(
        CallingPhone.answer(atDesk, "200 OK", desk)
            .replace("Content-Length: 0", "Expires: 600\r\nContent-Length: 0"));
    assertThat(CallingPhone.nextResponse(caller, 200)).contains("CSeq: 2 SUBSCRIBE");

    String notify =
        "NOTIFY sip:u100001@10.0.0.99:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
            + desk.port()
            + ";branch=z9hG4bKntf"
            + System.nanoTime()
            + ";rport\r\nRoute: "
            + rr.get(0)
            + "\r\nRoute: "
            + rr.get(1)
            + "\r\nMax-Forwards: 70\r\nFrom: "
            + CallingPhone.toOf(atDesk)
            + ";tag=device\r\nTo: <sip:u100001@"
            + DOMAIN
            + ">;tag=blf1\r\nCall-ID: "
            + CallingPhone.headers(atDesk, "Call-ID").get(0)
            + "\r\nCSeq: 1 NOTIFY\r\nEvent: dialog\r\nSubscription-State: active;expires=600\r\n"
            + "Content-Type: application/dialog-info+xml\r\nContent-Length: 0\r\n\r\n";
    desk.send(notify);
    String atCaller = CallingPhone.next(caller, "NOTIFY");
    assertThat(atCaller)
        .startsWith("NOTIFY sip:u100001@10.0.0.99:5060 SIP/2.0")
        .contains("Subscription-State: active");
    caller.send(DeviceAnswers.answer(atCaller, "200 OK"));
    assertThat(CallingPhone.nextResponse(desk, 200)).contains("CSeq: 1 NOTIFY");
  }
}
