package io.switchboard.token.login.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.token.login.CredentialSpec.BasicEncoding;

class EncodingAndJwtTest {

    private static String decodeBasic(String header) {
        return new String(Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8);
    }

    @Test
    void formBodyEscapesEqualsPlusPercentAndSpace() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "password");
        p.put("password", "ab=c+d%e f&g");
        assertThat(FormEncoding.form(p)).isEqualTo("grant_type=password&password=ab%3Dc%2Bd%25e+f%26g");
    }

    @Test
    void basicRawVersusRfc6749() {
        assertThat(decodeBasic(FormEncoding.basic("id", "s+c%r=t", BasicEncoding.RAW))).isEqualTo("id:s+c%r=t");
        assertThat(decodeBasic(FormEncoding.basic("id:x", "s+c%r=t", BasicEncoding.FORM_URLENCODED)))
                .isEqualTo("id%3Ax:s%2Bc%25r%3Dt");
        assertThat(FormEncoding.needsEncoding("plain-secret_1.2")).isFalse();
        assertThat(FormEncoding.needsEncoding("a+b")).isTrue();
    }

    @Test
    void jwtClaimsAreReadAndOpaqueTokensIgnored() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"aud\":[\"a\",\"b\"],\"exp\":1700000000,\"tenantId\":\"t-1\"}".getBytes(StandardCharsets.UTF_8));
        String jwt = "eyJhbGciOiJub25lIn0." + payload + ".sig";
        var claims = Jwt.claims(jwt).orElseThrow();
        assertThat(Jwt.text(claims, "aud")).isEqualTo("a b");
        assertThat(Jwt.text(claims, "tenantId")).isEqualTo("t-1");
        assertThat(Jwt.claims("opaque-token")).isEmpty();
        assertThat(Jwt.claims("a.b!.c")).isEmpty();
    }

    @Test
    void metadataUrlsFollowRfc8414() {
        assertThat(TokenEndpointLogin.metadataUrls("https://idp.example.com/realms/x")).containsExactly(
                "https://idp.example.com/.well-known/oauth-authorization-server/realms/x",
                "https://idp.example.com/realms/x/.well-known/oauth-authorization-server",
                "https://idp.example.com/realms/x/.well-known/openid-configuration");
        assertThat(TokenEndpointLogin.metadataUrls("http://127.0.0.1:9/")).isEqualTo(List.of(
                "http://127.0.0.1:9/.well-known/oauth-authorization-server",
                "http://127.0.0.1:9/.well-known/openid-configuration"));
    }
}
