package io.switchboard.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.switchboard.registry.CompatibilityLevel;
import io.switchboard.registry.server.internal.RegistryState;

/** The replay rules that make every instance agree: the earlier record wins, later conflicting ones are ignored. */
class RegistryStateTest {

    final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

    @Test
    void raceForTheSameIdIsWonByTheEarlierRecord() {
        assertThat(state.applySchema("a", 1, 1, "\"string\"").accepted()).isTrue();
        RegistryState.Outcome loser = state.applySchema("b", 1, 1, "\"long\"");
        assertThat(loser.accepted()).isFalse();
        assertThat(loser.reason()).contains("id 1 already names another schema");
        assertThat(state.subjects()).containsExactly("a");
        assertThat(state.propose("b", "\"long\"")).isEqualTo(new RegistryState.Proposal(2, 1));
    }

    @Test
    void raceForTheSameVersionIsWonByTheEarlierRecord() {
        state.applySchema("s", 1, 1, "\"string\"");
        assertThat(state.applySchema("s", 2, 2, "\"long\"").accepted()).isTrue();
        assertThat(state.applySchema("s", 2, 3, "\"int\"").accepted()).isFalse();
        assertThat(state.versions("s")).extracting(RegistryState.Version::id).containsExactly(1, 2);
    }

    @Test
    void oneSchemaKeepsOneIdAndDuplicatesAreNoOps() {
        state.applySchema("a", 1, 1, "\"string\"");
        assertThat(state.applySchema("b", 1, 2, "\"string\"").accepted()).as("same schema, other id").isFalse();
        assertThat(state.applySchema("b", 1, 1, "\"string\"").accepted()).isTrue();
        RegistryState.Outcome dup = state.applySchema("b", 1, 1, "\"string\"");
        assertThat(dup.accepted()).isTrue();
        assertThat(dup.version()).isEqualTo(1);
        assertThat(state.usages(1)).extracting(RegistryState.Version::subject).containsExactly("a", "b");
    }

    @Test
    void configRecordsSetAndRemoveLevels() {
        assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);
        state.applyConfig(null, CompatibilityLevel.FULL);
        state.applyConfig("s", CompatibilityLevel.NONE);
        assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(state.effectiveLevel("t")).isEqualTo(CompatibilityLevel.FULL);
        state.applyConfig("s", null);
        assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.FULL);
    }
}
