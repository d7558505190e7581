package dev.evertone.sip.message;

import dev.evertone.sip.header.HeaderName;
import java.util.Objects;

/** An immutable SIP response (RFC 3261 7.2). */
public final class SipResponse extends SipMessage {
  private final int status;
  private final String reason;
  private final String version;

  public SipResponse(int status, String reason, String version, HeaderField[] fields, byte[] body) {
    super(fields, body);
    if (status < 100 || status > 699) {
      throw new IllegalArgumentException("status code must be 100-699, was " + status);
    }
    this.status = status;
    this.reason = Objects.requireNonNull(reason);
    this.version = Objects.requireNonNull(version);
  }

  public static Builder builder(int status) {
    return new Builder(status);
  }

  /**
   * The response skeleton of RFC 3261 8.2.6.2: Via (all values, in order), From, To, Call-ID and
   * CSeq copied from the request, and Timestamp for a 100 (section 8.2.6.1). Headers the request
   * lacks are left out, so that even a request that failed validation can be answered.
   */
  public static Builder forRequest(SipRequest request, int status) {
    Builder b = new Builder(status);
    for (HeaderField f : request.fieldArray()) {
      String n = f.name();
      if (n.equals(HeaderName.VIA)
          || n.equals(HeaderName.FROM)
          || n.equals(HeaderName.TO)
          || n.equals(HeaderName.CALL_ID)
          || n.equals(HeaderName.CSEQ)
          || (status == 100 && n.equals(HeaderName.TIMESTAMP))) {
        b.add(f);
      }
    }
    return b;
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  /** 1xx. */
  public boolean isProvisional() {
    return status < 200;
  }

  /** 2xx. */
  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String startLine() {
    return version + " " + status + " " + reason;
  }

  @Override
  public Builder toBuilder() {
    return new Builder(status).reason(reason).version(version).copyFrom(this);
  }

  /**
   * Builds responses; the reason phrase defaults to the RFC's, Content-Length is set from the body.
   */
  public static final class Builder extends MessageBuilder<Builder> {
    private int status;
    private String reason;
    private String version = "SIP/2.0";

    Builder(int status) {
      this.status = status;
      this.reason = StatusCode.reasonPhrase(status);
    }

    public Builder status(int code) {
      this.status = code;
      this.reason = StatusCode.reasonPhrase(code);
      return this;
    }

    /** A reason phrase; line breaks are not allowed (RFC 3261 25.1 Reason-Phrase). */
    public Builder reason(String phrase) {
      if (phrase.indexOf('\r') >= 0 || phrase.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("reason phrase contains a line break");
      }
      if (phrase.chars().anyMatch(c -> c > 0xff)) {
        throw new IllegalArgumentException(
            "reason phrase holds text, not octets; encode it with HeaderField.utf8()");
      }
      this.reason = phrase;
      return this;
    }

    Builder version(String v) {
      this.version = v;
      return this;
    }

    public int status() {
      return status;
    }

    /**
     * Adds {@code tag} to the To header if it has none: a UAS tags every response but a 100 (RFC
     * 3261 8.2.6.2).
     */
    public Builder withToTag(String tag) {
      String to = header(HeaderName.TO);
      if (to != null && !to.contains(";tag=")) {
        set(HeaderName.TO, to + ";tag=" + tag);
      }
      return this;
    }

    @Override
    public SipResponse build() {
      return new SipResponse(status, reason, version, fieldsWithContentLength(), body);
    }
  }
}
