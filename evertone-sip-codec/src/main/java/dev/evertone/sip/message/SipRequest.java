package dev.evertone.sip.message;

import dev.evertone.sip.uri.Uri;
import java.util.Objects;

/** An immutable SIP request (RFC 3261 7.1). */
public final class SipRequest extends SipMessage {
  private final String method;
  private final Uri requestUri;
  private final String version;

  public SipRequest(
      String method, Uri requestUri, String version, HeaderField[] fields, byte[] body) {
    super(fields, body);
    this.method = Method.intern(Objects.requireNonNull(method));
    this.requestUri = Objects.requireNonNull(requestUri);
    this.version = Objects.requireNonNull(version);
  }

  public static Builder builder(String method, Uri requestUri) {
    return new Builder(method, requestUri);
  }

  public String method() {
    return method;
  }

  public boolean isMethod(String m) {
    return method.equals(m);
  }

  public Uri requestUri() {
    return requestUri;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String startLine() {
    return method + " " + requestUri + " " + version;
  }

  @Override
  public Builder toBuilder() {
    return new Builder(method, requestUri).version(version).copyFrom(this);
  }

  /** Builds requests; Content-Length is set from the body. */
  public static final class Builder extends MessageBuilder<Builder> {
    private String method;
    private Uri requestUri;
    private String version = "SIP/2.0";

    Builder(String method, Uri requestUri) {
      this.method = method;
      this.requestUri = requestUri;
    }

    public Builder method(String m) {
      this.method = m;
      return this;
    }

    public Builder requestUri(Uri uri) {
      this.requestUri = uri;
      return this;
    }

    Builder version(String v) {
      this.version = v;
      return this;
    }

    @Override
    public SipRequest build() {
      return new SipRequest(method, requestUri, version, fieldsWithContentLength(), body);
    }
  }
}
