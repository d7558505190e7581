/**
 * SDP, the session descriptions that SIP carries in INVITE, 200 OK, ACK and UPDATE bodies: an
 * immutable model ({@link dev.evertone.sdp.SessionDescription}, {@link
 * dev.evertone.sdp.MediaDescription}, {@link dev.evertone.sdp.Attribute}) with typed views of the
 * attributes that media handling needs (rtpmap, fmtp, direction, ICE, DTLS, BUNDLE, ssrc), a parser
 * that is lenient on input under configurable limits ({@link dev.evertone.sdp.SdpParser}, {@link
 * dev.evertone.sdp.SdpLimits}), a serializer that is strict on output ({@link
 * dev.evertone.sdp.SdpSerializer}, RFC 8866), and the offer/answer rules of RFC 3264 ({@link
 * dev.evertone.sdp.OfferAnswer}). It depends on nothing but the JDK.
 */
package dev.evertone.sdp;
