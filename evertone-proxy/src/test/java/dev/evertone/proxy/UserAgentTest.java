package dev.evertone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.media.MediaConfig;
import dev.evertone.media.MediaException;
import dev.evertone.media.MediaRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evertone as the user agent server of a number it answers itself (RFC 3261 12, 13), over real UDP
 * sockets: a phone of the domain calls it through the proxy as it would call anyone.
 */
class UserAgentTest {
  private static final String NUMBER = "sip:900@" + ProxyHarness.DOMAIN;

  /** A phone's offer: A-law first, then µ-law and RFC 4733 events. */
  private static final String OFFER =
      String.join(
          "\r\n",
          "v=0",
          "o=phone 1 1 IN IP4 127.0.0.1",
          "s=-",
          "c=IN IP4 127.0.0.1",
          "t=0 0",
          "m=audio 40000 RTP/AVP 8 0 101",
          "a=rtpmap:8 PCMA/8000",
          "a=rtpmap:0 PCMU/8000",
          "a=rtpmap:101 telephone-event/8000",
          "a=fmtp:101 0-15",
          "");

  @TempDir Path dir;
  private final List<SipLeg> offered = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final MediaRelay relay =
      MediaRelay.start(
          MediaConfig.defaults(InetAddress.getLoopbackAddress())
              .withPorts(34_000, 34_099)
              .withIoThreads(1),
          new SimpleMeterRegistry(),
          s -> {});

  @AfterEach
  void closeRelay() {
    relay.close();
  }

  private final LegListener listener =
      new LegListener() {
        @Override
        public void answered(SipLeg leg) {
          events.add("answered");
        }

        @Override
        public void dtmf(SipLeg leg, char digit) {
          events.add("dtmf " + digit);
        }

        @Override
        public void hungUp(SipLeg leg, boolean byParty) {
          events.add(byParty ? "hung up by the party" : "hung up by evertone");
        }
      };

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 3000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  /** A request of the phone inside the dialog that {@code ok} (evertone's 2xx) set up. */
  private static String inDialog(
      Phone phone, String ok, String method, int cseq, String headersAndBody) {
    String contact = Phone.header(ok, "Contact");
    return method
        + " "
        + contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'))
        + " SIP/2.0\r\n"
        + ("Via: SIP/2.0/UDP 127.0.0.1:"
            + phone.port()
            + ";branch=z9hG4bK"
            + method
            + cseq
            + System.nanoTime()
            + ";rport\r\n")
        + "Max-Forwards: 70\r\n"
        + ("From: " + Phone.header(ok, "From") + "\r\n")
        + ("To: " + Phone.header(ok, "To") + "\r\n")
        + ("Call-ID: " + Phone.header(ok, "Call-ID") + "\r\n")
        + ("CSeq: " + cseq + " " + method + "\r\n")
        + headersAndBody;
  }

  @Test
  void aCallToANumberEvertoneAnswersItselfIsCancelledBeforeTheAnswerWith487() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(dir, (domain, user) -> user.equals("900") ? offered::add : null)) {
      h.addExtension("1001", "1001");
      Phone phone = new Phone(h.address(), "1001", ProxyHarness.DOMAIN);
      Phone.Call call = phone.dial(NUMBER, ProxyHarness.password("1001"));
      eventually(() -> offered.size() == 1);
      SipLeg leg = offered.get(0);
      assertThat(leg.number()).isEqualTo("900");
      assertThat(leg.caller()).isEqualTo("sip:1001@example.com");
      assertThat(leg.state()).isEqualTo(SipLeg.State.OFFERED);
      phone.send(call.cancel());
      String terminated = phone.nextResponse(487);
      phone.send(call.ack(terminated));
      assertThat(leg.state()).isEqualTo(SipLeg.State.ENDED);
      assertThat(leg.answer(relay.openEndpoint("late", null), listener))
          .as("a cancelled call is not answered")
          .isFalse();
      assertThat(relay.openEndpoints()).isZero();
    }
  }

  @Test
  void evertoneAnswersWithItsOwnSdpSendsThe2xxUntilTheAckTakesInfoKeysAndHangsUpWithABye()
      throws Exception {
    LocalNumbers numbers =
        (domain, user) ->
            !user.equals("900")
                ? null
                : leg -> {
                  offered.add(leg);
                  try {
                    leg.answer(relay.openEndpoint(leg.callId(), null), listener);
                  } catch (MediaException e) {
                    throw new IllegalStateException(e);
                  }
                };
    try (ProxyHarness h = new ProxyHarness(dir, numbers)) {
      h.addExtension("1001", "1001");
      Phone phone = new Phone(h.address(), "1001", ProxyHarness.DOMAIN);
      phone.dialWithBody(NUMBER, ProxyHarness.password("1001"), "application/sdp", OFFER);
      String ok = phone.nextResponse(200);
      // 12.1.1: a To tag, a Contact on evertone; RFC 3264 6: the offer's formats evertone has, in
      // the offerer's order and numbers, on evertone's own port
      assertThat(Phone.header(ok, "To")).contains(";tag=");
      assertThat(Phone.header(ok, "Contact")).startsWith("<sip:900@127.0.0.1:");
      assertThat(ok)
          .contains("c=IN IP4 127.0.0.1")
          .contains("RTP/AVP 8 0 101")
          .contains("a=rtpmap:101 telephone-event/8000")
          .contains("a=sendrecv");
      assertThat(ok).containsPattern("m=audio 340[0-9][0-9] ");
      // 13.3.1.4: not acknowledged, the same 2xx comes again
      String again = phone.nextResponse(200);
      assertThat(Phone.header(again, "To")).isEqualTo(Phone.header(ok, "To"));
      phone.send(inDialog(phone, ok, "ACK", 2, "Content-Length: 0\r\n\r\n"));
      eventually(() -> events.contains("answered"));
      assertThat(phone.hearsNothing(1500)).as("no 2xx after the ACK").isTrue();
      SipLeg leg = offered.get(0);
      assertThat(leg.state()).isEqualTo(SipLeg.State.CONFIRMED);

      // a key in SIP INFO (application/dtmf-relay)
      String info =
          phone.exchange(
              inDialog(
                  phone,
                  ok,
                  "INFO",
                  3,
                  String.join(
                      "\r\n",
                      "Content-Type: application/dtmf-relay",
                      "Content-Length: 24",
                      "",
                      "Signal=5",
                      "Duration=160",
                      "")));
      assertThat(info).startsWith("SIP/2.0 200 ");
      eventually(() -> events.contains("dtmf 5"));
      // 12.2.2: a CSeq lower than the last is refused
      String stale = phone.exchange(inDialog(phone, ok, "OPTIONS", 2, "Content-Length: 0\r\n\r\n"));
      assertThat(stale).startsWith("SIP/2.0 500 ");
      String options =
          phone.exchange(inDialog(phone, ok, "OPTIONS", 4, "Content-Length: 0\r\n\r\n"));
      assertThat(options).startsWith("SIP/2.0 200 ");
      assertThat(Phone.header(options, "Allow")).contains("INFO").contains("BYE");

      // evertone hangs up: 15.1.1, its BYE to the phone's Contact, From and To swapped
      leg.hangUp();
      String bye = phone.next("BYE");
      assertThat(bye).startsWith("BYE " + phone.contact() + " SIP/2.0");
      assertThat(Phone.header(bye, "From")).isEqualTo(Phone.header(ok, "To"));
      assertThat(Phone.header(bye, "To")).isEqualTo(Phone.header(ok, "From"));
      assertThat(Phone.header(bye, "CSeq")).isEqualTo("2 BYE");
      phone.send(phone.answer(bye, "200 OK"));
      assertThat(events).contains("hung up by evertone");
      assertThat(leg.state()).isEqualTo(SipLeg.State.ENDED);
      eventually(() -> relay.openEndpoints() == 0);
      // the dialog is gone: a request in it is no dialog of evertone's, nor the proxy's
      String after = phone.exchange(inDialog(phone, ok, "INFO", 5, "Content-Length: 0\r\n\r\n"));
      assertThat(after).startsWith("SIP/2.0 404 ");
    }
  }
}
