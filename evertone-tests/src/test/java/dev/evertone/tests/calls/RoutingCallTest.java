package dev.evertone.tests.calls;

import static dev.evertone.tests.support.CallingPhone.answer;
import static dev.evertone.tests.support.CallingPhone.headers;
import static dev.evertone.tests.support.CallingPhone.next;
import static dev.evertone.tests.support.CallingPhone.nextResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.TrunkSpec;
import dev.evertone.tests.support.CallingPhone;
import dev.evertone.tests.support.DeviceAnswers;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls beyond the devices of a domain: out through trunks to carriers (dial plan, digest towards
 * the carrier, failover to the next trunk), in from a carrier to a number, and the forwarding rules
 * of an extension. The carriers are UDP sockets of the test, written out message by message.
 */
class RoutingCallTest {
  private static final String DOMAIN = "example.com";
  @TempDir Path dir;
  private ServerFixture fx;
  private UdpClient caller;
  private CallingPhone phone;
  private UdpClient carrierA;
  private UdpClient carrierB;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir);
    fx.provision(DOMAIN, 4); // extensions and lines u100000..u100003, passwords "pw" + user
    caller = new UdpClient(fx.udp());
    phone = new CallingPhone(caller, "u100001", "pwu100001", DOMAIN);
    assertThat(DigestRegister.register(caller, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
    carrierA = new UdpClient(fx.udp());
    carrierB = new UdpClient(fx.udp());
    ProvisioningService p = fx.provisioning();
    p.setDialPlan(DOMAIN, "49", "0", "00");
    p.putTrunk(
        DOMAIN,
        "carrier-a",
        new TrunkSpec("127.0.0.1", carrierA.port(), "udp", "acct-a", "pw-a", 1, null, null));
    p.putTrunk(
        DOMAIN,
        "carrier-b",
        new TrunkSpec("127.0.0.1", carrierB.port(), "udp", null, null, 2, "digits", null));
    p.putNumber(DOMAIN, "+4930123401", "u100001");
    p.putNumber(DOMAIN, "+4930123402", "u100002");
    awaitRouting("evertone.routing.numbers", 2);
  }

  @AfterEach
  void stop() {
    caller.close();
    carrierA.close();
    carrierB.close();
    fx.close();
  }

  /**
   * Routing changes reach the proxy through the change log, on its own thread: wait until a gauge
   * shows {@code count}.
   */
  private void awaitRouting(String gauge, double count, String... tags)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (fx.server.meters().get(gauge).tags(tags).gauge().value() != count
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(fx.server.meters().get(gauge).tags(tags).gauge().value()).as(gauge).isEqualTo(count);
  }

  private static String md5(String s) throws Exception {
    return String.format(
        "%032x",
        new BigInteger(
            1, MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8))));
  }

  private static Map<String, String> digestParams(String header) {
    Map<String, String> out = new HashMap<>();
    Matcher m = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))").matcher(header);
    while (m.find()) {
      out.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    return out;
  }

  @Test
  void aCallToAnUnregisteredExtensionGoesToItsForwardNumberThroughTheTrunkWhichChallengesEvertone()
      throws Exception {
    fx.provisioning().setForwarding(DOMAIN, "u100003", "unregistered", "017612345678", null);
    awaitRouting("evertone.routing.forward.rules", 1);
    phone.dial("sip:u100003@" + DOMAIN);

    String first = next(carrierA, "INVITE");
    assertThat(first)
        .startsWith(
            "INVITE sip:+4917612345678@127.0.0.1:" + carrierA.port() + ";user=phone SIP/2.0\r\n")
        .as("the caller's number, as evertone vouches for it")
        .contains("P-Asserted-Identity: <sip:+4930123401@example.com;user=phone>")
        .doesNotContain("Proxy-Authorization");
    assertThat(headers(first, "Record-Route")).hasSize(2);
    carrierA.send(
        DeviceAnswers.answer(first, "407 Proxy Authentication Required")
            .replace(
                "Content-Length: 0\r\n",
                "Proxy-Authenticate: Digest realm=\"carrier.example\", nonce=\"c4rr13r\", qop=\"auth\", algorithm=MD5\r\nContent-Length: 0\r\n"));
    assertThat(next(carrierA, "ACK"))
        .as("evertone acknowledges the challenge hop by hop")
        .contains("CSeq: 2 ACK");

    String second = next(carrierA, "INVITE");
    String auth = headers(second, "Proxy-Authorization").get(0);
    Map<String, String> d = digestParams(auth);
    assertThat(d)
        .containsEntry("username", "acct-a")
        .containsEntry("realm", "carrier.example")
        .containsEntry("nonce", "c4rr13r")
        .containsEntry("qop", "auth")
        .containsEntry("uri", "sip:+4917612345678@127.0.0.1:" + carrierA.port() + ";user=phone");
    String ha1 = md5("acct-a:carrier.example:pw-a");
    String ha2 = md5("INVITE:" + d.get("uri"));
    assertThat(d.get("response"))
        .as("a digest the carrier can check")
        .isEqualTo(md5(ha1 + ":c4rr13r:" + d.get("nc") + ":" + d.get("cnonce") + ":auth:" + ha2));
    assertThat(headers(second, "Via").get(0))
        .as("a new branch for the new transaction")
        .isNotEqualTo(headers(first, "Via").get(0));

    carrierA.send(answer(second, "200 OK", carrierA));
    assertThat(nextResponse(caller, 200))
        .contains("CSeq: 2 INVITE")
        .contains("Contact: <sip:phone@127.0.0.1:" + carrierA.port() + ">");
    assertThat(
            fx.server
                .meters()
                .get("evertone.proxy.requests")
                .tag("outcome", "forwarded-by-rule")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aCarrierThatFailsHandsTheCallToTheNextTrunk() throws Exception {
    phone.dial("sip:00442079460000@" + DOMAIN);
    String atA = next(carrierA, "INVITE");
    assertThat(atA)
        .startsWith(
            "INVITE sip:+442079460000@127.0.0.1:" + carrierA.port() + ";user=phone SIP/2.0");
    carrierA.send(DeviceAnswers.answer(atA, "503 Service Unavailable"));
    assertThat(next(carrierA, "ACK")).contains("CSeq: 2 ACK");
    String atB = next(carrierB, "INVITE");
    assertThat(atB)
        .as("carrier-b wants digits without the plus")
        .startsWith("INVITE sip:442079460000@127.0.0.1:" + carrierB.port() + ";user=phone SIP/2.0");
    carrierB.send(answer(atB, "180 Ringing", carrierB));
    assertThat(nextResponse(caller, 180)).contains("CSeq: 2 INVITE");
    carrierB.send(answer(atB, "486 Busy Here", carrierB));
    assertThat(nextResponse(caller, 486))
        .as("a carrier's busy is the callee's, not a reason to try another trunk")
        .contains("CSeq: 2 INVITE");
    assertThat(
            fx.server
                .meters()
                .get("evertone.proxy.requests")
                .tag("outcome", "trunk-failover")
                .counter()
                .count())
        .isEqualTo(1);

    // a number the dial plan cannot read goes nowhere
    phone.dial("sip:12@" + DOMAIN);
    assertThat(nextResponse(caller, 480)).contains("CSeq: 2 INVITE");
  }

  @Test
  void aCallFromACarrierToANumberRingsItsExtensionWithoutAPassword() throws Exception {
    try (UdpClient device = new UdpClient(fx.udp())) {
      assertThat(DigestRegister.register(device, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);
      String invite =
          "INVITE sip:+4930123402@127.0.0.1:"
              + fx.udp().getPort()
              + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
              + carrierB.port()
              + ";branch=z9hG4bKin"
              + System.nanoTime()
              + "\r\nMax-Forwards: 70\r\nFrom: <sip:+4917612345678@carrier.example>;tag=in1\r\n"
              + "To: <sip:+4930123402@example.com>\r\nCall-ID: inbound-"
              + System.nanoTime()
              + "\r\nCSeq: 1 INVITE\r\n"
              + "Contact: <sip:+4917612345678@127.0.0.1:"
              + carrierB.port()
              + ">\r\nContent-Length: 0\r\n\r\n";
      carrierB.send(invite);
      String atDevice = next(device, "INVITE");
      assertThat(atDevice).startsWith("INVITE sip:u100002@127.0.0.1:" + device.port() + " SIP/2.0");
      device.send(answer(atDevice, "200 OK", device));
      assertThat(nextResponse(carrierB, 200)).contains("CSeq: 1 INVITE").contains("Record-Route: ");

      // a number that is not the domain's, from the carrier: 404
      carrierB.send(
          invite
              .replace("+4930123402@127", "+4930999999@127")
              .replace("branch=z9hG4bKin", "branch=z9hG4bKno"));
      assertThat(nextResponse(carrierB, 404)).contains("no such number");
      // the same INVITE from anywhere else needs a password
      assertThat(caller.exchange(caller.viaHere(invite, true))).startsWith("SIP/2.0 407 ");
    }
    assertThat(
            fx.server
                .meters()
                .get("evertone.proxy.requests")
                .tag("outcome", "from-trunk")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void busyGoesToAnotherExtensionAndUnansweredGoesToTheCellPhoneAfterItsSeconds() throws Exception {
    try (UdpClient second = new UdpClient(fx.udp());
        UdpClient third = new UdpClient(fx.udp())) {
      assertThat(DigestRegister.register(second, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);
      assertThat(DigestRegister.register(third, "u100003", DOMAIN, "pwu100003")).isEqualTo(200);
      fx.provisioning().setForwarding(DOMAIN, "u100002", "busy", "u100003", null);
      fx.provisioning().setForwarding(DOMAIN, "u100003", "no-answer", "+4917612345678", 5);
      awaitRouting("evertone.routing.forward.rules", 2);

      phone.dial("sip:u100002@" + DOMAIN);
      String atSecond = next(second, "INVITE");
      second.send(answer(atSecond, "486 Busy Here", second));
      String atThird = next(third, "INVITE");
      third.send(answer(atThird, "200 OK", third));
      assertThat(nextResponse(caller, 200))
          .contains("Contact: <sip:phone@127.0.0.1:" + third.port() + ">");

      // find-me: the desk rings 5 s, then the cell phone through the first trunk
      phone.dial("sip:u100003@" + DOMAIN);
      String ringing = next(third, "INVITE");
      long start = System.currentTimeMillis();
      third.send(answer(ringing, "180 Ringing", third));
      nextResponse(caller, 180);
      String cancel = next(third, "CANCEL");
      assertThat(System.currentTimeMillis() - start)
          .as("after its seconds")
          .isBetween(4000L, 7000L);
      third.send(DeviceAnswers.answer(cancel, "200 OK"));
      third.send(answer(ringing, "487 Request Terminated", third));
      String cell = next(carrierA, "INVITE");
      assertThat(cell)
          .startsWith(
              "INVITE sip:+4917612345678@127.0.0.1:" + carrierA.port() + ";user=phone SIP/2.0");
      carrierA.send(answer(cell, "200 OK", carrierA));
      assertThat(nextResponse(caller, 200))
          .contains("Contact: <sip:phone@127.0.0.1:" + carrierA.port() + ">");
    }
  }

  @Test
  void evertoneRegistersAtACarrierThatWantsItAndTakesItsCallsToTheAccount() throws Exception {
    fx.provisioning()
        .putTrunk(
            DOMAIN,
            "carrier-b",
            new TrunkSpec("127.0.0.1", carrierB.port(), "udp", "acct-b", "pw-b", 2, "digits", 60));
    String first = next(carrierB, "REGISTER");
    assertThat(first)
        .startsWith("REGISTER sip:127.0.0.1:" + carrierB.port() + " SIP/2.0\r\n")
        .contains("To: <sip:acct-b@127.0.0.1>")
        .contains("Expires: 60\r\n")
        .containsPattern("Contact: <sip:acct-b@127\\.0\\.0\\.1:" + fx.udp().getPort() + ">");
    carrierB.send(
        DeviceAnswers.answer(first, "401 Unauthorized")
            .replace(
                "Content-Length: 0\r\n",
                "WWW-Authenticate: Digest realm=\"carrier.example\", nonce=\"r3g\", algorithm=MD5\r\nContent-Length: 0\r\n"));
    String second = next(carrierB, "REGISTER");
    Map<String, String> d = digestParams(headers(second, "Authorization").get(0));
    assertThat(d.get("response"))
        .as("RFC 2069 form: no qop offered")
        .isEqualTo(
            md5(md5("acct-b:carrier.example:pw-b") + ":r3g:" + md5("REGISTER:" + d.get("uri"))));
    assertThat(headers(second, "CSeq").get(0)).isEqualTo("2 REGISTER");
    assertThat(headers(second, "Call-ID")).isEqualTo(headers(first, "Call-ID"));
    String contact = headers(second, "Contact").get(0);
    carrierB.send(
        DeviceAnswers.answer(second, "200 OK")
            .replace(
                "Content-Length: 0\r\n",
                "Contact: " + contact + ";expires=60\r\n" + "Content-Length: 0\r\n"));
    awaitRouting("evertone.routing.carrier.registrations", 1, "state", "registered");

    // the carrier calls the registered account; the number is in To
    try (UdpClient device = new UdpClient(fx.udp())) {
      assertThat(DigestRegister.register(device, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);
      carrierB.send(
          "INVITE sip:acct-b@127.0.0.1:"
              + fx.udp().getPort()
              + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
              + carrierB.port()
              + ";branch=z9hG4bKreg"
              + System.nanoTime()
              + "\r\nMax-Forwards: 70\r\nFrom: <sip:4917612345678@carrier.example>;tag=in2\r\n"
              + "To: <sip:4930123402@carrier.example>\r\nCall-ID: to-account-"
              + System.nanoTime()
              + "\r\nCSeq: 1 INVITE\r\n"
              + "Content-Length: 0\r\n\r\n");
      String atDevice = next(device, "INVITE");
      device.send(answer(atDevice, "486 Busy Here", device));
      assertThat(nextResponse(carrierB, 486)).contains("CSeq: 1 INVITE");
    }

    // a trunk that no longer registers unregisters
    fx.provisioning().removeTrunk(DOMAIN, "carrier-b");
    String last = next(carrierB, "REGISTER");
    assertThat(last)
        .contains("Expires: 0\r\n")
        .contains("Call-ID: " + headers(first, "Call-ID").get(0));
  }
}
