package io.switchboard.token.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.switchboard.core.Secret;
import io.switchboard.token.TokenKeys;
import io.switchboard.token.login.CredentialSpec;

/** The non-secret configuration fingerprint that decides whether a parked credential stays parked. */
class ConfigFingerprintTest {

    private final TokenKeys keys = TokenKeys.random("k1");
    private final CredentialSpec spec = new CredentialSpec("genesys-eu", CredentialSpec.GENESYS_CLOUD,
            "https://login.mypurecloud.ie/oauth/token", null, "https://api.mypurecloud.ie", "mypurecloud.ie", "client-1",
            Secret.of("the-secret-value"), CredentialSpec.ClientAuth.BASIC, CredentialSpec.BasicEncoding.RAW,
            "client_credentials", null, null, null, null, null, List.of("analytics"), Map.of("b", "2", "a", "1"), false,
            null, null, null, Duration.ofHours(1), null);

    @Test
    void sameConfigurationSameFingerprintWithoutTheSecretInIt() {
        String fp = ConfigFingerprint.of(spec, keys);
        assertThat(fp).startsWith("k1:").hasSize("k1:".length() + 22).doesNotContain("the-secret-value");
        assertThat(ConfigFingerprint.of(spec.withRequestParams(null, List.of("analytics"), Map.of("a", "1", "b", "2")), keys))
                .isEqualTo(fp);
        assertThat(ConfigFingerprint.canonical(spec)).contains("the-secret-value"); // inside the MAC only
    }

    @Test
    void aRotatedSecretAChangedSettingOrAnotherKeyChangesIt() {
        String fp = ConfigFingerprint.of(spec, keys);
        assertThat(ConfigFingerprint.of(spec.withClientSecret(Secret.of("the-new-secret")), keys)).isNotEqualTo(fp);
        assertThat(ConfigFingerprint.of(spec.withTokenUrl("https://login.mypurecloud.de/oauth/token"), keys)).isNotEqualTo(fp);
        assertThat(ConfigFingerprint.of(spec, TokenKeys.random("k1"))).isNotEqualTo(fp);
    }

    @Test
    void aCaBundleCountsByItsContentAsWellAsItsPath(@TempDir Path dir) throws Exception {
        Path bundle = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        String fp = ConfigFingerprint.of(spec.withCaBundle(bundle), keys);
        assertThat(fp).isNotEqualTo(ConfigFingerprint.of(spec, keys));
        assertThat(ConfigFingerprint.of(spec.withCaBundle(bundle), keys)).isEqualTo(fp);

        Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n", StandardOpenOption.APPEND);
        assertThat(ConfigFingerprint.of(spec.withCaBundle(bundle), keys)).as("the missing CA added to the same file").isNotEqualTo(fp);
        Files.delete(bundle);
        assertThat(ConfigFingerprint.of(spec.withCaBundle(bundle), keys)).as("unreadable now: still a fingerprint").startsWith("k1:");
    }
}
