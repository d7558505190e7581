package dev.evertone.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.SubscriberKind;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The admin API's JSON: snake_case names, ISO-8601 times, and strict reading (an unknown field is
 * an error, so that a typo in a request is never silently ignored). The server and the command
 * line's HTTP client use the same mapper, so that both sides agree by construction.
 */
public final class ApiJson {
  private ApiJson() {}

  /**
   * The status page's enums by their Statuspage names (major_outage), as the public JSON has them.
   */
  private static SimpleModule statusNames() {
    SimpleModule m = new SimpleModule("status-names");
    JsonSerializer<Enum<?>> wire =
        new JsonSerializer<>() {
          @Override
          public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider serializers)
              throws IOException {
            gen.writeString(value.name().toLowerCase(Locale.ROOT));
          }
        };
    for (Class<?> type :
        List.of(
            ComponentStatus.class,
            IncidentStatus.class,
            IncidentKind.class,
            Impact.class,
            SubscriberKind.class)) {
      @SuppressWarnings("unchecked")
      Class<Enum<?>> e = (Class<Enum<?>>) type;
      m.addSerializer(e, wire);
    }
    m.addDeserializer(ComponentStatus.class, reader(ComponentStatus::of));
    m.addDeserializer(IncidentStatus.class, reader(IncidentStatus::of));
    m.addDeserializer(IncidentKind.class, reader(IncidentKind::of));
    m.addDeserializer(Impact.class, reader(Impact::of));
    m.addDeserializer(SubscriberKind.class, reader(SubscriberKind::of));
    return m;
  }

  private static <T> JsonDeserializer<T> reader(java.util.function.Function<String, T> of) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return of.apply(p.getValueAsString());
      }
    };
  }

  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .registerModule(new JavaTimeModule())
          .registerModule(statusNames())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setDefaultPropertyInclusion(JsonInclude.Include.ALWAYS);
}
