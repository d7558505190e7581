package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The offer/answer model of RFC 3264 as pure functions of descriptions: building an answer from an
 * offer and this side's capabilities, putting a session on hold and back, telling a hold from a
 * change of address, port or codec in a re-INVITE, and moving the origin version when a description
 * changes.
 */
public final class OfferAnswer {
  private OfferAnswer() {}

  /** The answer to {@code offer}, the first in its dialog. */
  public static SessionDescription answer(SessionDescription offer, LocalCapabilities local) {
    return answer(offer, local, null);
  }

  /**
   * The answer to {@code offer}. It has as many m= sections as the offer, in the same order (RFC
   * 3264 6); a section is rejected with port 0 when it was offered with port 0, when no capability
   * of its media type and protocol is left, or when no codec other than DTMF or comfort noise is
   * common. When {@code previousAnswer} is given (a re-INVITE), the origin is the previous one,
   * with its version moved by one only if the answer changed (RFC 3264 8).
   */
  public static SessionDescription answer(
      SessionDescription offer,
      LocalCapabilities local,
      @Nullable SessionDescription previousAnswer) {
    List<MediaCapability> unused = new ArrayList<>(local.media());
    List<MediaDescription> answered = new ArrayList<>();
    for (MediaDescription m : offer.media()) {
      MediaCapability cap = m.isRejected() ? null : take(unused, m);
      answered.add(cap == null ? reject(m) : answerMedia(offer, m, cap));
    }
    List<Attribute> sessionAttributes = new ArrayList<>(local.sessionAttributes());
    Group offeredBundle = offer.bundle();
    if (local.bundle() && offeredBundle != null) {
      List<String> accepted = new ArrayList<>();
      for (MediaDescription a : answered) {
        String mid = a.mid();
        if (!a.isRejected() && mid != null && offeredBundle.mids().contains(mid)) {
          accepted.add(mid);
        }
      }
      if (!accepted.isEmpty()) {
        sessionAttributes.add(0, new Group(offeredBundle.semantics(), accepted).attribute());
      }
    }
    SessionDescription answer =
        SessionDescription.builder(local.origin())
            .connection(local.connection())
            // RFC 3264 6: the t= line of the answer must equal the offer's
            .timings(offer.timings())
            .attributes(sessionAttributes)
            .media(answered)
            .build();
    return versioned(previousAnswer, answer);
  }

  private static @Nullable MediaCapability take(
      List<MediaCapability> unused, MediaDescription offered) {
    Iterator<MediaCapability> it = unused.iterator();
    while (it.hasNext()) {
      MediaCapability c = it.next();
      if (c.media().equalsIgnoreCase(offered.media())
          && c.proto().equalsIgnoreCase(offered.proto())) {
        it.remove();
        return c;
      }
    }
    return null;
  }

  private static MediaDescription answerMedia(
      SessionDescription offer, MediaDescription offered, MediaCapability cap) {
    List<Codec> common = List.of();
    if (offered.isRtp()) {
      common = intersect(offered.codecs(), cap.codecs());
      if (common.stream().allMatch(Codec::isAuxiliary)) {
        return reject(offered); // RFC 3264 6: no common format, the stream is rejected
      }
    }
    MediaDescription.Builder b =
        MediaDescription.builder(offered.media(), cap.port(), offered.proto())
            .formats(offered.formats());
    String mid = offered.mid();
    if (mid != null) {
      b.addAttribute(Attribute.of("mid", mid)); // RFC 5888 9.1: the answer repeats each mid
    }
    MediaDescription answer = offered.isRtp() ? b.build().withCodecs(common) : b.build();
    List<Attribute> attrs = new ArrayList<>(answer.attributes());
    attrs.addAll(cap.attributes());
    if (cap.rtcpMux() && offered.rtcpMux()) {
      attrs.add(Attribute.flag("rtcp-mux")); // RFC 5761 5.1.1: only when offered
    }
    attrs.add(Direction.answer(offer.direction(offered), cap.direction()).attribute());
    return answer.withAttributes(attrs);
  }

  /**
   * The offered codecs that {@code local} also has, in the offerer's order (RFC 3264 6.1: the
   * answer lists formats in the offerer's preference unless it has a reason not to), each under the
   * offerer's payload type number so that both sides map the number the same way. Format parameters
   * are this side's when it has some, else the offerer's. DTMF ({@code telephone-event}) is kept
   * only at a clock rate both have.
   */
  public static List<Codec> intersect(List<Codec> offered, List<Codec> local) {
    List<Codec> out = new ArrayList<>();
    for (Codec o : offered) {
      for (Codec l : local) {
        if (o.sameCodecAs(l) && out.stream().noneMatch(c -> c.payloadType() == o.payloadType())) {
          out.add(o.withFmtp(l.fmtp() != null ? l.fmtp() : o.fmtp()));
          break;
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@code offered} rejected: same media type, protocol and formats, port 0 (RFC 3264 6); only its
   * {@code a=mid} is kept so that the section can still be named.
   */
  public static MediaDescription reject(MediaDescription offered) {
    MediaDescription.Builder b =
        MediaDescription.builder(offered.media(), 0, offered.proto()).formats(offered.formats());
    String mid = offered.mid();
    if (mid != null) {
      b.addAttribute(Attribute.of("mid", mid));
    }
    return b.build();
  }

  /**
   * Whether the writer of {@code sd} has put stream {@code m} on hold: it is not rejected and it is
   * sendonly or inactive, or its connection address is {@code 0.0.0.0} (the RFC 2543 way, which RFC
   * 3264 8.4 asks answerers to understand). With ICE, {@code 0.0.0.0} is not a hold: a trickle ICE
   * agent writes it when it has no candidate yet (RFC 8840, trickle ICE for SIP), as browsers do.
   */
  public static boolean isHold(SessionDescription sd, MediaDescription m) {
    if (m.isRejected()) {
      return false;
    }
    if (!sd.direction(m).receives()) {
      return true;
    }
    Connection c = sd.connection(m);
    return c != null && c.isHoldAddress() && sd.iceUfrag(m) == null;
  }

  /** Whether every stream of {@code sd} that is not rejected is on hold (and there is one). */
  public static boolean isHold(SessionDescription sd) {
    List<MediaDescription> active = sd.media().stream().filter(m -> !m.isRejected()).toList();
    return !active.isEmpty() && active.stream().allMatch(m -> isHold(sd, m));
  }

  /**
   * The offer that puts every active stream of {@code current} on hold (RFC 3264 8.4): sendrecv
   * becomes sendonly, recvonly becomes inactive; the version moves by one.
   */
  public static SessionDescription hold(SessionDescription current) {
    return redirect(current, false);
  }

  /**
   * The offer that takes {@code current} off hold: sendonly becomes sendrecv, inactive becomes
   * recvonly; the version moves by one.
   */
  public static SessionDescription resume(SessionDescription current) {
    return redirect(current, true);
  }

  private static SessionDescription redirect(SessionDescription current, boolean receive) {
    List<MediaDescription> media = new ArrayList<>();
    for (MediaDescription m : current.media()) {
      Direction d = current.direction(m);
      media.add(m.isRejected() ? m : m.withDirection(Direction.of(d.sends(), receive)));
    }
    return current.withMedia(media).withNextVersion();
  }

  /**
   * {@code next} with the origin of {@code previous} (same username, id and address): at the same
   * version when nothing else differs, one version later otherwise (RFC 3264 8). {@code next} as it
   * is when there is no previous description.
   */
  public static SessionDescription versioned(
      @Nullable SessionDescription previous, SessionDescription next) {
    if (previous == null) {
      return next;
    }
    SessionDescription same = next.withOrigin(previous.origin());
    return same.equals(previous) ? same : next.withOrigin(previous.origin().next());
  }

  /**
   * How {@code next}, a new offer or answer, differs from {@code previous} from the same side: per
   * m= section, added or removed streams, a new address or port, other codecs, another direction,
   * hold and resume (RFC 3264 8).
   */
  public static SessionChanges compare(SessionDescription previous, SessionDescription next) {
    List<MediaChange> changes = new ArrayList<>();
    int n = Math.max(previous.media().size(), next.media().size());
    for (int i = 0; i < n; i++) {
      MediaDescription p = i < previous.media().size() ? previous.media().get(i) : null;
      MediaDescription q = i < next.media().size() ? next.media().get(i) : null;
      Set<MediaChange.Kind> kinds = changes(previous, p, next, q);
      if (!kinds.isEmpty()) {
        String media = q != null ? q.media() : p != null ? p.media() : "";
        changes.add(new MediaChange(i, media, kinds));
      }
    }
    return new SessionChanges(
        previous.origin().sameSession(next.origin()),
        previous.origin().sessionVersion() != next.origin().sessionVersion(),
        changes);
  }

  private static Set<MediaChange.Kind> changes(
      SessionDescription prevSd,
      @Nullable MediaDescription p,
      SessionDescription nextSd,
      @Nullable MediaDescription q) {
    boolean wasActive = p != null && !p.isRejected();
    boolean isActive = q != null && !q.isRejected();
    if (p != null && q != null && wasActive && isActive) {
      return activeChanges(prevSd, p, nextSd, q);
    }
    if (isActive) {
      return Set.of(MediaChange.Kind.ADDED);
    }
    return wasActive ? Set.of(MediaChange.Kind.REMOVED) : Set.of();
  }

  private static Set<MediaChange.Kind> activeChanges(
      SessionDescription prevSd,
      MediaDescription p,
      SessionDescription nextSd,
      MediaDescription q) {
    Set<MediaChange.Kind> kinds = EnumSet.noneOf(MediaChange.Kind.class);
    Connection pc = prevSd.connection(p);
    Connection qc = nextSd.connection(q);
    boolean holdAddress = isHoldAddress(pc) || isHoldAddress(qc);
    if (!holdAddress && !address(pc).equalsIgnoreCase(address(qc))) {
      kinds.add(MediaChange.Kind.ADDRESS);
    }
    if (p.port() != q.port()) {
      kinds.add(MediaChange.Kind.PORT);
    }
    if (p.isRtp() ? !p.codecs().equals(q.codecs()) : !p.formats().equals(q.formats())) {
      kinds.add(MediaChange.Kind.CODECS);
    }
    if (prevSd.direction(p) != nextSd.direction(q)) {
      kinds.add(MediaChange.Kind.DIRECTION);
    }
    boolean wasHold = isHold(prevSd, p);
    boolean nowHold = isHold(nextSd, q);
    if (!wasHold && nowHold) {
      kinds.add(MediaChange.Kind.HOLD);
    } else if (wasHold && !nowHold) {
      kinds.add(MediaChange.Kind.RESUME);
    }
    return kinds;
  }

  private static boolean isHoldAddress(@Nullable Connection c) {
    return c != null && c.isHoldAddress();
  }

  private static String address(@Nullable Connection c) {
    return c == null ? "" : c.address();
  }
}
