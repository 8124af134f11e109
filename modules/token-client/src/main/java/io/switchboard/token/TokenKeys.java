package io.switchboard.token;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.Secret;
import io.switchboard.core.config.ConfigSection;
import io.switchboard.core.config.SharedKeys;

/**
 * The operator's AES-256 keys for token material on {@code switchboard.tokens}, by key id.
 *
 * <p>Writers encrypt with the {@linkplain #activeKeyId() active key}; readers decrypt with whichever
 * key the record names, so keys rotate by adding the new key everywhere, then making it active,
 * then (after every record was rewritten, one token lifetime later) removing the old one.
 * Immutable and thread-safe; {@link #toString()} shows key ids only.
 */
public final class TokenKeys {

    /** Length of an AES-256 key in bytes. */
    public static final int KEY_BYTES = 32;

    private final String activeKeyId;
    private final Map<String, SecretKey> keys;

    private TokenKeys(String activeKeyId, Map<String, SecretKey> keys) {
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(keys);
    }

    /**
     * Keys from raw bytes.
     *
     * @param activeKeyId id of the key new records are encrypted with; must be among {@code keys}
     * @param keys        key id to 32 key bytes
     */
    public static TokenKeys of(String activeKeyId, Map<String, byte[]> keys) {
        Objects.requireNonNull(activeKeyId, "activeKeyId");
        Map<String, SecretKey> specs = new LinkedHashMap<>();
        keys.forEach((id, bytes) -> {
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("key " + id + " has " + bytes.length + " bytes; AES-256 needs " + KEY_BYTES);
            }
            specs.put(id, new SecretKeySpec(bytes, "AES"));
        });
        if (!specs.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active key id " + activeKeyId + " is not among the keys " + specs.keySet());
        }
        return new TokenKeys(activeKeyId, specs);
    }

    /** A fresh random key under {@code keyId}, for tests and the embedded demo. */
    public static TokenKeys random(String keyId) {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return of(keyId, Map.of(keyId, key));
    }

    /**
     * The keys under the shared {@code encryption.activeKeyId} / {@code encryption.keys} settings of a
     * role's configuration, recording their problems in the section's problems without repeating one the
     * section already recorded for the same key (a key that is not valid Base64, say). Empty when any
     * problem was found.
     */
    public static Optional<TokenKeys> fromConfig(ConfigSection root) {
        ConfigProblems problems = root.problems();
        String activeKeyId = root.get(SharedKeys.ENCRYPTION_ACTIVE_KEY_ID);
        Map<String, Secret> base64 = root.get(SharedKeys.ENCRYPTION_KEYS);
        String activeName = SharedKeys.ENCRYPTION_ACTIVE_KEY_ID.name();
        String keysName = SharedKeys.ENCRYPTION_KEYS.name();
        List<String> alreadyWrong = problems.problems().stream().map(ConfigProblem::key).toList();
        ConfigProblems scratch = new ConfigProblems("encryption");
        Optional<TokenKeys> keys = fromBase64(activeKeyId, base64 == null ? Map.of() : base64, activeName, keysName, scratch);
        boolean someKeyWrong = alreadyWrong.stream().anyMatch(k -> k.startsWith(keysName));
        for (ConfigProblem p : scratch.problems()) {
            boolean echo = alreadyWrong.contains(p.key())
                    || p.key().equals(keysName) && someKeyWrong
                    || p.key().equals(activeName) && alreadyWrong.contains(keysName + "." + activeKeyId);
            if (!echo) {
                problems.add(p.key(), p.value(), p.message());
            }
        }
        return keys;
    }

    /**
     * Keys given as Base64 secrets (configuration). Records every problem and returns empty when
     * there is any.
     *
     * @param keyPrefix configuration key of the map, e.g. {@code encryption.keys}, used in problems
     */
    public static Optional<TokenKeys> fromBase64(String activeKeyId, Map<String, Secret> base64Keys,
                                                 String activeKeyName, String keyPrefix, ConfigProblems problems) {
        Map<String, byte[]> decoded = new LinkedHashMap<>();
        boolean ok = true;
        if (base64Keys.isEmpty()) {
            problems.add(keyPrefix, null, "at least one key is required, e.g. `k1: ${env:SWITCHBOARD_TOKEN_KEY}`;"
                    + " generate one with `openssl rand -base64 32`");
            ok = false;
        }
        for (Map.Entry<String, Secret> e : base64Keys.entrySet()) {
            String key = keyPrefix + "." + e.getKey();
            try {
                byte[] bytes = Base64.getDecoder().decode(e.getValue().reveal().trim());
                if (bytes.length != KEY_BYTES) {
                    problems.add(key, e.getValue().describe(), "decodes to " + bytes.length + " bytes; an AES-256 key is "
                            + KEY_BYTES + " bytes, Base64-encoded (`openssl rand -base64 32`)");
                    ok = false;
                } else {
                    decoded.put(e.getKey(), bytes);
                }
            } catch (IllegalArgumentException notBase64) {
                problems.add(key, e.getValue().describe(), "is not Base64; give 32 random bytes Base64-encoded (`openssl rand -base64 32`)");
                ok = false;
            }
        }
        if (activeKeyId == null || activeKeyId.isBlank()) {
            problems.add(activeKeyName, null, "is required: the id of the key in " + keyPrefix + " that encrypts new tokens");
            ok = false;
        } else if (!base64Keys.isEmpty() && !base64Keys.containsKey(activeKeyId)) {
            problems.add(activeKeyName, activeKeyId, "is not one of the key ids in " + keyPrefix + " " + new java.util.TreeSet<>(base64Keys.keySet())
                    + "; add the key as " + keyPrefix + "." + activeKeyId + " or set " + activeKeyName + " to one of those ids");
            ok = false;
        }
        return ok ? Optional.of(of(activeKeyId, decoded)) : Optional.empty();
    }

    /** Id of the key that encrypts new records. */
    public String activeKeyId() {
        return activeKeyId;
    }

    /** Every key id that can decrypt. */
    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** The key with this id, if configured. */
    public Optional<SecretKey> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public String toString() {
        return "TokenKeys[active=" + activeKeyId + ", ids=" + new java.util.TreeSet<>(keys.keySet()) + "]";
    }
}
