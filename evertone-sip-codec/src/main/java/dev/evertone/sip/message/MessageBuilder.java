package dev.evertone.sip.message;

import dev.evertone.sip.header.HeaderName;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Common part of the request and response builders: an ordered list of header fields and a body.
 */
public abstract sealed class MessageBuilder<B extends MessageBuilder<B>>
    permits SipRequest.Builder, SipResponse.Builder {
  private final List<HeaderField> fields = new ArrayList<>(12);
  byte[] body = new byte[0];

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  B copyFrom(SipMessage message) {
    for (HeaderField f : message.fieldArray()) {
      fields.add(f);
    }
    body = message.bodyArray();
    return self();
  }

  /** Appends a field. */
  public B add(HeaderField field) {
    fields.add(field);
    return self();
  }

  /** Appends a field named {@code name} (any spelling). */
  public B add(String name, Object value) {
    return add(HeaderField.of(name, value.toString()));
  }

  /** Replaces every field named {@code name} by one field, at the position of the first. */
  public B set(String name, Object value) {
    String canonical = HeaderName.canonical(name);
    HeaderField field = new HeaderField(canonical, value.toString());
    int first = -1;
    for (int i = fields.size() - 1; i >= 0; i--) {
      if (fields.get(i).name().equals(canonical)) {
        fields.remove(i);
        first = i;
      }
    }
    if (first < 0) {
      fields.add(field);
    } else {
      fields.add(first, field);
    }
    return self();
  }

  /** Inserts a field before all others of the same name (e.g. a new top Via); else at the end. */
  public B prepend(String name, Object value) {
    String canonical = HeaderName.canonical(name);
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(canonical)) {
        fields.add(i, new HeaderField(canonical, value.toString()));
        return self();
      }
    }
    fields.add(new HeaderField(canonical, value.toString()));
    return self();
  }

  /** Rewrites the value of the first field named {@code name}, if there is one. */
  public B mapFirst(String name, UnaryOperator<String> change) {
    String canonical = HeaderName.canonical(name);
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(canonical)) {
        fields.set(i, new HeaderField(canonical, change.apply(fields.get(i).value())));
        break;
      }
    }
    return self();
  }

  public B remove(String name) {
    String canonical = HeaderName.canonical(name);
    fields.removeIf(f -> f.name().equals(canonical));
    return self();
  }

  public @Nullable String header(String name) {
    String canonical = HeaderName.canonical(name);
    for (HeaderField f : fields) {
      if (f.name().equals(canonical)) {
        return f.value();
      }
    }
    return null;
  }

  /** Sets the body and its Content-Type. */
  public B body(String contentType, byte[] content) {
    set(HeaderName.CONTENT_TYPE, contentType);
    this.body = content.clone();
    return self();
  }

  HeaderField[] fieldsWithContentLength() {
    List<HeaderField> out = new ArrayList<>(fields.size() + 1);
    for (HeaderField f : fields) {
      if (!f.name().equals(HeaderName.CONTENT_LENGTH)) {
        out.add(f);
      }
    }
    out.add(new HeaderField(HeaderName.CONTENT_LENGTH, Integer.toString(body.length)));
    return out.toArray(new HeaderField[0]);
  }

  public abstract SipMessage build();
}
