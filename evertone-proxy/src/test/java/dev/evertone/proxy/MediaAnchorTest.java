package dev.evertone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.media.MediaConfig;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.sdp.Connection;
import dev.evertone.sdp.Direction;
import dev.evertone.sdp.MediaDescription;
import dev.evertone.sdp.SdpParser;
import dev.evertone.sdp.SessionDescription;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDP an anchored call's parties get, and when a call's relay ports are freed. */
class MediaAnchorTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);
  private static final InetAddress CALLER = InetAddress.getLoopbackAddress();

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private MediaAnchor anchor;

  @BeforeEach
  void start() {
    anchor =
        MediaAnchor.through(
            MediaConfig.defaults(InetAddress.getLoopbackAddress()).withPorts(41000, 41099),
            meters,
            AudioClip.of("music", new short[1600]));
  }

  @AfterEach
  void stop() {
    anchor.close();
  }

  private static String sdp(String address, int port, String extra) {
    return "v=0\r\no=- 1 1 IN IP4 "
        + address
        + "\r\ns=-\r\nc=IN IP4 "
        + address
        + "\r\nt=0 0\r\nm=audio "
        + port
        + " RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
        + extra
        + "m=video 5004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
  }

  private static SipMessage message(String startLine, String toTag, String body) {
    String text =
        startLine
            + "\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
            + "From: <sip:1001@example.com>;tag=caller\r\n"
            + "To: <sip:1002@example.com>"
            + toTag
            + "\r\nCall-ID: call-1\r\nCSeq: 1 "
            + (startLine.startsWith("SIP/")
                ? "INVITE"
                : startLine.substring(0, startLine.indexOf(' ')))
            + "\r\nContent-Type: application/sdp\r\nContent-Length: "
            + body.getBytes(StandardCharsets.US_ASCII).length
            + "\r\n\r\n"
            + body;
    return PARSER.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static SipRequest invite(String toTag, String body) {
    return (SipRequest) message("INVITE sip:1002@example.com SIP/2.0", toTag, body);
  }

  private static String address(SessionDescription sd, MediaDescription m) {
    Connection c = sd.connection(m);
    return c == null ? "(none)" : c.address();
  }

  private static SessionDescription body(SipMessage m) {
    return new SdpParser().parse(m.body());
  }

  @Test
  void eachPartyIsToldToSendItsAudioToTheRelayAndTheOtherStreamsKeepTheirAddress() {
    SipRequest offer =
        invite(
            "",
            sdp(
                "192.168.1.10",
                4000,
                "a=rtcp:4001\r\na=ice-ufrag:x\r\na=candidate:1 1 udp 1 192.168.1.10 4000 typ host\r\n"));
    // a phone's ICE (not a browser's: its c= is a real address) is dropped with its candidates
    SessionDescription toCallee = body(anchor.towardTarget(offer, CALLER));
    MediaDescription audio = toCallee.media().get(0);
    assertThat(address(toCallee, audio)).isEqualTo("127.0.0.1");
    assertThat(audio.port()).isBetween(41000, 41099);
    assertThat(audio.rtcp()).isNotNull().extracting(r -> r.port()).isEqualTo(audio.port() + 1);
    assertThat(audio.candidates()).isEmpty();
    assertThat(toCallee.iceUfrag(audio)).isNull();
    MediaDescription video = toCallee.media().get(1);
    assertThat(address(toCallee, video)).isEqualTo("192.168.1.10");
    assertThat(video.port()).isEqualTo(5004);
    assertThat(anchor.anchoredCalls()).isOne();

    SipResponse answer =
        (SipResponse) message("SIP/2.0 200 OK", ";tag=callee", sdp("10.0.0.20", 6000, ""));
    SessionDescription toCaller = body(anchor.towardSender(answer, CALLER));
    MediaDescription back = toCaller.media().get(0);
    assertThat(address(toCaller, back)).isEqualTo("127.0.0.1");
    assertThat(back.port()).isBetween(41000, 41099).isNotEqualTo(audio.port());
    assertThat(anchor.stats("call-1")).isPresent();

    // the BYE (from either side) frees the call's ports
    anchor.towardTarget(
        (SipRequest) message("BYE sip:1002@example.com SIP/2.0", ";tag=callee", ""), CALLER);
    assertThat(anchor.anchoredCalls()).isZero();
    assertThat(meters.get("evertone.media.ports").gauge().value()).isZero();
  }

  @Test
  void aReInviteFromTheCalleeGoesToTheCallersLeg() {
    SessionDescription toCallee =
        body(anchor.towardTarget(invite("", sdp("192.168.1.10", 4000, "")), CALLER));
    SipResponse answer =
        (SipResponse) message("SIP/2.0 200 OK", ";tag=callee", sdp("10.0.0.20", 6000, ""));
    int callersLeg = body(anchor.towardSender(answer, CALLER)).media().get(0).port();
    // the callee puts the call on hold: its re-INVITE's From is the callee
    String hold =
        String.join(
            "\r\n",
            "INVITE sip:1001@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-2",
            "From: <sip:1002@example.com>;tag=callee",
            "To: <sip:1001@example.com>;tag=caller",
            "Call-ID: call-1",
            "CSeq: 2 INVITE",
            "Content-Type: application/sdp",
            "");
    String holdSdp = sdp("10.0.0.20", 6000, "a=sendonly\r\n");
    SipRequest reinvite =
        (SipRequest)
            PARSER.parse(
                (hold + "Content-Length: " + holdSdp.length() + "\r\n\r\n" + holdSdp)
                    .getBytes(StandardCharsets.US_ASCII));
    MediaDescription toCaller = body(anchor.towardTarget(reinvite, CALLER)).media().get(0);
    assertThat(toCaller.port()).isEqualTo(callersLeg);
    assertThat(toCaller.attributes()).anyMatch(a -> a.is("sendonly"));
    assertThat(toCallee.media().get(0).port()).isNotEqualTo(callersLeg);
  }

  /** A re-INVITE from the caller (CSeq {@code cseq}) whose audio stream has {@code extra}. */
  private static SipRequest callersReInvite(int cseq, String extra) {
    return (SipRequest)
        inDialog("INVITE sip:1002@example.com SIP/2.0", cseq, sdp("192.168.1.10", 4000, extra));
  }

  private static SipResponse calleesAnswer(int cseq, String extra) {
    return (SipResponse) inDialog("SIP/2.0 200 OK", cseq, sdp("10.0.0.20", 6000, extra));
  }

  /** A message of the confirmed dialog of call-1 (the caller's INVITE, CSeq {@code cseq}). */
  private static SipMessage inDialog(String startLine, int cseq, String body) {
    String text =
        String.join(
            "\r\n",
            startLine,
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + cseq,
            "From: <sip:1001@example.com>;tag=caller",
            "To: <sip:1002@example.com>;tag=callee",
            "Call-ID: call-1",
            "CSeq: " + cseq + " INVITE",
            "Content-Type: application/sdp",
            "Content-Length: " + body.length(),
            "",
            body);
    return PARSER.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static Direction direction(SipMessage m) {
    SessionDescription sd = body(m);
    return sd.direction(sd.media().get(0));
  }

  @Test
  void aHeldPartyHearsMusicUntilTheHoldIsTakenBackAndAnInactiveHoldIsPassedOnAsSendonly() {
    anchor.towardTarget(invite("", sdp("192.168.1.10", 4000, "")), CALLER);
    anchor.towardSender(calleesAnswer(1, ""), CALLER);
    var session = anchor.session("call-1").orElseThrow();
    assertThat(session.b().isPlaying()).isFalse();

    // the caller holds with sendonly: the callee is played the music, the offer passes as it is
    assertThat(direction(anchor.towardTarget(callersReInvite(2, "a=sendonly\r\n"), CALLER)))
        .isEqualTo(Direction.SENDONLY);
    assertThat(session.b().isPlaying()).isTrue();
    assertThat(session.a().isPlaying()).isFalse();
    assertThat(direction(anchor.towardSender(calleesAnswer(2, "a=recvonly\r\n"), CALLER)))
        .isEqualTo(Direction.RECVONLY);
    assertThat(meters.get("evertone.media.holds").counter().count()).isOne();

    // taken back: the callee hears the caller again
    anchor.towardTarget(callersReInvite(3, ""), CALLER);
    anchor.towardSender(calleesAnswer(3, ""), CALLER);
    assertThat(session.b().isPlaying()).isFalse();

    // inactive: the callee is offered sendonly (so that it plays the music), its recvonly answer
    // goes back to the caller as the inactive it asked for
    assertThat(direction(anchor.towardTarget(callersReInvite(4, "a=inactive\r\n"), CALLER)))
        .isEqualTo(Direction.SENDONLY);
    assertThat(session.b().isPlaying()).isTrue();
    assertThat(direction(anchor.towardSender(calleesAnswer(4, "a=recvonly\r\n"), CALLER)))
        .isEqualTo(Direction.INACTIVE);
    // a refresh of the same hold does not start the music again
    anchor.towardTarget(callersReInvite(5, "a=inactive\r\n"), CALLER);
    assertThat(meters.get("evertone.media.holds").counter().count()).isEqualTo(2);
    anchor.towardSender(calleesAnswer(5, "a=recvonly\r\n"), CALLER);
    anchor.towardTarget(callersReInvite(6, "a=sendrecv\r\n"), CALLER);
    assertThat(session.b().isPlaying()).isFalse();
    assertThat(direction(anchor.towardSender(calleesAnswer(6, ""), CALLER)))
        .isEqualTo(Direction.SENDRECV);
  }

  private static SipRequest info(String fromTag, String toTag, String type, String body) {
    String text =
        String.join(
            "\r\n",
            "INFO sip:1002@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + body.hashCode(),
            "From: <sip:1001@example.com>;tag=" + fromTag,
            "To: <sip:1002@example.com>;tag=" + toTag,
            "Call-ID: call-1",
            "CSeq: 5 INFO",
            "Content-Type: " + type,
            "Content-Length: " + body.length(),
            "",
            body);
    return (SipRequest) PARSER.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void keysToldInSipInfoAreTakenAsTheAudiosAre() {
    anchor.towardTarget(invite("", sdp("192.168.1.10", 4000, "")), CALLER);
    SipRequest five =
        info("caller", "callee", "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
    assertThat(anchor.towardTarget(five, CALLER)).isSameAs(five); // passed on unchanged
    anchor.towardTarget(info("caller", "callee", "application/dtmf", "#"), CALLER);
    anchor.towardTarget(
        info("callee", "caller", "application/dtmf-relay", "Signal= 9\r\n"), CALLER);
    // not a key: ignored
    anchor.towardTarget(
        info("caller", "callee", "application/dtmf-relay", "Signal=hello\r\n"), CALLER);
    anchor.towardTarget(info("caller", "callee", "text/plain", "7"), CALLER);
    assertThat(anchor.digits("call-1", true)).isEqualTo("5#");
    assertThat(anchor.digits("call-1", false)).isEqualTo("9");
  }

  @Test
  void whenTwoForksAnswerTheCallStaysWithTheFirst() {
    anchor.towardTarget(invite("", sdp("192.168.1.10", 4000, "")), CALLER);
    SipResponse first =
        (SipResponse) message("SIP/2.0 200 OK", ";tag=desk", sdp("10.0.0.20", 6000, ""));
    SipResponse second =
        (SipResponse) message("SIP/2.0 200 OK", ";tag=mobile", sdp("10.0.0.30", 7000, ""));
    int callersLeg = body(anchor.towardSender(first, CALLER)).media().get(0).port();
    // the second answer is passed on untouched: the caller ACKs it and hangs it up
    assertThat(anchor.towardSender(second, CALLER)).isSameAs(second);
    anchor.towardTarget(
        (SipRequest) message("BYE sip:1002@example.com SIP/2.0", ";tag=mobile", ""), CALLER);
    assertThat(anchor.anchoredCalls()).as("that BYE ends the second fork only").isOne();
    // a re-answer from the first fork still goes through the same leg
    SipResponse again =
        (SipResponse) message("SIP/2.0 200 OK", ";tag=desk", sdp("10.0.0.20", 6000, ""));
    assertThat(body(anchor.towardSender(again, CALLER)).media().get(0).port())
        .isEqualTo(callersLeg);
    anchor.towardTarget(
        (SipRequest) message("BYE sip:1002@example.com SIP/2.0", ";tag=desk", ""), CALLER);
    assertThat(anchor.anchoredCalls()).isZero();
  }

  @Test
  void aCallThatAlreadyPassedThroughThisRelayIsNotAnchoredTwice() {
    SessionDescription once =
        body(anchor.towardTarget(invite("", sdp("192.168.1.10", 4000, "")), CALLER));
    MediaDescription audio = once.media().get(0);
    // the same call comes back (a hairpin through a carrier): its offer names this relay
    String spiral = sdp("127.0.0.1", audio.port(), "").replace("call-1", "call-2");
    SipRequest back =
        (SipRequest)
            PARSER.parse(
                new String(invite("", spiral).toBytes(), StandardCharsets.US_ASCII)
                    .replace("Call-ID: call-1", "Call-ID: call-2")
                    .getBytes(StandardCharsets.US_ASCII));
    assertThat(anchor.towardTarget(back, CALLER)).isSameAs(back);
    assertThat(anchor.anchoredCalls()).isOne();
  }

  @Test
  void aFailedCallFreesItsPortsAndAReInviteFailureDoesNot() {
    SipRequest offer = invite("", sdp("192.168.1.10", 4000, ""));
    anchor.towardTarget(offer, CALLER);
    anchor.failed(invite(";tag=callee", sdp("192.168.1.10", 4000, ""))); // a re-INVITE's 488
    assertThat(anchor.anchoredCalls()).isOne();
    anchor.failed(offer); // the call's 486
    assertThat(anchor.anchoredCalls()).isZero();
  }

  @Test
  void whatTheRelayCannotFollowPassesUnchangedAndIsCounted() {
    SipRequest garbage = invite("", "v=0\r\nthis is not SDP\r\n");
    assertThat(anchor.towardTarget(garbage, CALLER)).isSameAs(garbage);
    SipRequest named = invite("", sdp("pbx.example.com", 4000, ""));
    assertThat(anchor.towardTarget(named, CALLER)).isSameAs(named);
    assertThat(meters.get("evertone.media.unanchored").counter().count()).isEqualTo(2);
    // a browser's stream (ICE with c=0.0.0.0, DTLS): end to end until the relay does ICE
    SipRequest browser =
        invite(
            "",
            sdp("0.0.0.0", 9, "a=ice-ufrag:abcd\r\na=fingerprint:sha-256 AB:CD\r\n")
                .replace("RTP/AVP 0 101", "UDP/TLS/RTP/SAVPF 0 101"));
    assertThat(anchor.towardTarget(browser, CALLER)).isSameAs(browser);
    assertThat(anchor.anchoredCalls()).isZero();
  }

  @Test
  void withoutAnchoringNothingChanges() {
    MediaAnchor direct = MediaAnchor.direct();
    SipRequest offer = invite("", sdp("192.168.1.10", 4000, ""));
    assertThat(direct.towardTarget(offer, CALLER)).isSameAs(offer);
    assertThat(direct.anchors()).isFalse();
  }
}
