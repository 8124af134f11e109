package io.switchboard.token.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.switchboard.core.ConfigProblem;
import io.switchboard.core.ConfigProblems;
import io.switchboard.core.SecretReferences;
import io.switchboard.token.login.CredentialSpec.BasicEncoding;
import io.switchboard.token.login.CredentialSpec.ClientAuth;

class CredentialsConfigTest {

    private static final Map<String, String> ENV = Map.of(
            "GENESYS_SECRET", "gen-secret-value",
            "CXONE_SECRET", "cx-secret-value",
            "CXONE_KEY_SECRET", "key+secret==",
            "COGNOS_PASSWORD", "cognos-pass",
            "AUTH0_SECRET", "auth0-secret-value",
            "OAUTH2_SECRET", "oauth2 secret%+");

    private static JsonNode credentials(String yaml) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(yaml).get("credentials");
    }

    private static List<CredentialSpec> parse(String yaml, ConfigProblems problems) throws Exception {
        return CredentialsConfig.parse(credentials(yaml), new SecretReferences(ENV), problems);
    }

    @Test
    void appliesEveryProfileDefault() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        List<CredentialSpec> specs = parse("""
                credentials:
                  - id: genesys-eu
                    provider: genesys-cloud
                    region: mypurecloud.ie
                    clientId: gen-client
                    clientSecret: ${env:GENESYS_SECRET}
                  - id: cxone-main
                    provider: nice-cxone
                    clientId: cx-client
                    clientSecret: ${env:CXONE_SECRET}
                    accessKeyId: key-id
                    accessKeySecret: ${env:CXONE_KEY_SECRET}
                  - id: cognos
                    provider: cognos-analytics
                    baseUrl: https://cognos.example.com/ibmcognos/
                    namespace: LDAP
                    username: svc
                    password: ${env:COGNOS_PASSWORD}
                    idleTimeout: PT30M
                  - id: datacosmos
                    provider: auth0
                    domain: login.open-cosmos.com
                    audience: https://beeapp.open-cosmos.com
                    clientId: a0
                    clientSecret: ${env:AUTH0_SECRET}
                  - id: keycloak
                    provider: oauth2
                    issuer: https://idp.example.com/realms/x
                    clientAuth: client_secret_post
                    scopes: [queues:read, stats:read]
                    extraParams: {resource: https://api.example.com}
                    clientId: kc
                    clientSecret: ${env:OAUTH2_SECRET}
                    defaultLifetime: PT5M
                """, problems);
        assertThat(problems.problems()).isEmpty();
        assertThat(specs).hasSize(5);

        CredentialSpec g = specs.get(0);
        assertThat(g.tokenUrl()).isEqualTo("https://login.mypurecloud.ie/oauth/token");
        assertThat(g.apiBaseUrl()).isEqualTo("https://api.mypurecloud.ie");
        assertThat(g.clientAuth()).isEqualTo(ClientAuth.BASIC);
        assertThat(g.basicEncoding()).isEqualTo(BasicEncoding.RAW);
        assertThat(g.grantType()).isEqualTo("client_credentials");
        assertThat(g.clientSecret().reveal()).isEqualTo("gen-secret-value");
        assertThat(g.toString()).doesNotContain("gen-secret-value");

        CredentialSpec c = specs.get(1);
        assertThat(c.tokenUrl()).isEqualTo("https://cxone.niceincontact.com/auth/token");
        assertThat(c.discoveryUrl()).isEqualTo("https://cxone.niceincontact.com/.well-known/cxone-configuration");
        assertThat(c.apiHostTemplate()).isEqualTo("https://api-{area}.niceincontact.com");
        assertThat(c.grantType()).isEqualTo("password");
        assertThat(c.username()).isEqualTo("key-id");
        assertThat(c.password().reveal()).isEqualTo("key+secret==");
        assertThat(c.apiVersion()).isEqualTo("v31.0");

        CredentialSpec cog = specs.get(2);
        assertThat(cog.tokenUrl()).isEqualTo("https://cognos.example.com/ibmcognos/api/v1/session");
        assertThat(cog.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(cog.defaultLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(cog.namespace()).isEqualTo("LDAP");

        CredentialSpec a = specs.get(3);
        assertThat(a.tokenUrl()).isEqualTo("https://login.open-cosmos.com/oauth/token");
        assertThat(a.clientAuth()).isEqualTo(ClientAuth.JSON);
        assertThat(a.audience()).isEqualTo("https://beeapp.open-cosmos.com");

        CredentialSpec o = specs.get(4);
        assertThat(o.tokenUrl()).isNull();
        assertThat(o.issuer()).isEqualTo("https://idp.example.com/realms/x");
        assertThat(o.clientAuth()).isEqualTo(ClientAuth.BODY);
        assertThat(o.basicEncoding()).isEqualTo(BasicEncoding.FORM_URLENCODED);
        assertThat(o.scopes()).containsExactly("queues:read", "stats:read");
        assertThat(o.extraParams()).containsEntry("resource", "https://api.example.com");
        assertThat(o.defaultLifetime()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void reportsEveryProblemAtOnceWithSecretsMasked() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        List<CredentialSpec> specs = parse("""
                credentials:
                  - id: ok
                    provider: genesys-cloud
                    region: mypurecloud.ie
                    clientId: c
                    clientSecret: ${env:GENESYS_SECRET}
                  - id: bad-provider
                    provider: salesforce
                  - id: missing-secret
                    provider: genesys-cloud
                    region: mypurecloud.moon
                    clientId: c
                    clientSecret: ${env:NOT_SET}
                  - id: inline
                    provider: auth0
                    tokenUrl: not a url
                    clientId: c
                    clientSecret: plain-text-secret-123
                  - id: ok
                    provider: oauth2
                    tokenUrl: https://idp.example.com/token
                    clientId: c
                    clientSecret: ${env:OAUTH2_SECRET}
                    clientAuth: digest
                    clientSecrte: typo
                    defaultLifetime: 3600
                  - id: cognos
                    provider: cognos-analytics
                    baseUrl: https://cognos.example.com
                    username: svc
                    password: ${env:COGNOS_PASSWORD}
                """, problems);
        List<String> keys = problems.problems().stream().map(ConfigProblem::key).toList();
        assertThat(keys).contains(
                "credentials[1].provider",
                "credentials[2].region",
                "credentials[2].clientSecret",
                "credentials[3].tokenUrl",
                "credentials[3].clientSecret",
                "credentials[3].audience",
                "credentials[4].id",
                "credentials[4].clientAuth",
                "credentials[4].clientSecrte",
                "credentials[4].defaultLifetime",
                "credentials[5].namespace");
        assertThat(problems.problems().toString()).doesNotContain("plain-text-secret-123", "gen-secret-value", "oauth2 secret");
        assertThat(specs).extracting(CredentialSpec::id).containsExactly("ok");
        assertThat(problems.problems()).filteredOn(p -> p.key().equals("credentials[1].provider"))
                .first().extracting(ConfigProblem::message).asString().contains("genesys-cloud", "oauth2");
        assertThat(problems.problems()).filteredOn(p -> p.key().equals("credentials[4].defaultLifetime"))
                .first().extracting(ConfigProblem::message).asString().contains("bare number", "3600s", "PT3600S");
        assertThat(problems.problems()).filteredOn(p -> p.key().equals("credentials[4].clientSecrte"))
                .first().extracting(ConfigProblem::message).asString().contains("did you mean clientSecret?");
    }

    @Test
    void durationsTakeTheOneSyntaxOfEveryKey() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        List<CredentialSpec> specs = parse("""
                credentials:
                  - {id: a, provider: auth0, domain: x.example.com, audience: api, clientId: c, clientSecret: "${env:AUTH0_SECRET}", defaultLifetime: 90m}
                  - {id: b, provider: cognos-analytics, baseUrl: "https://c.example.com", apiKey: "${env:COGNOS_PASSWORD}", idleTimeout: PT20M}
                """, problems);
        assertThat(problems.problems()).isEmpty();
        assertThat(specs.get(0).defaultLifetime()).isEqualTo(Duration.ofMinutes(90));
        assertThat(specs.get(1).idleTimeout()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void theEnvironmentOverridesACredentialsKeysByItsId() {
        String yaml = """
                credentials:
                  - {id: genesys-eu, provider: genesys-cloud, region: mypurecloud.ie, clientId: c, clientSecret: "${env:GENESYS_SECRET}"}
                """;
        io.switchboard.core.config.ConfigSource source = io.switchboard.core.config.ConfigSource.parse(yaml, "t.yaml", Map.of(
                "GENESYS_SECRET", "from-reference",
                "SWITCHBOARD_CREDENTIALS_GENESYS_EU_CLIENT_SECRET", "from-override",
                "SWITCHBOARD_CREDENTIALS_GENESYS_EU_REGION", "mypurecloud.de"));
        ConfigProblems problems = source.newProblems();
        CredentialSpec spec = CredentialsConfig.parse(source.root(problems)).get(0);
        assertThat(problems.problems()).isEmpty();
        assertThat(spec.clientSecret().reveal()).isEqualTo("from-override");
        assertThat(spec.tokenUrl()).isEqualTo("https://login.mypurecloud.de/oauth/token");
    }

    @Test
    void thePollSubSectionBelongsToThePollers() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        parse("""
                credentials:
                  - id: g
                    provider: genesys-cloud
                    region: mypurecloud.ie
                    clientId: c
                    clientSecret: ${env:GENESYS_SECRET}
                    poll: {interval: 30s, queues: [a, b]}
                """, problems);
        assertThat(problems.problems()).isEmpty();
    }

    @Test
    void everyProvidersKeysAreDeclared() {
        for (String provider : CredentialSpec.PROVIDERS) {
            assertThat(CredentialsConfig.keysOf(provider)).extracting(k -> k.name())
                    .contains("credentials[].id", "credentials[].provider", "credentials[].defaultLifetime");
        }
        assertThat(CredentialsConfig.keysOf(CredentialSpec.COGNOS_ANALYTICS)).extracting(k -> k.name())
                .doesNotContain("credentials[].clientSecret").contains("credentials[].password", "credentials[].apiKey");
        assertThat(CredentialsConfig.keys()).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
        assertThat(CredentialsConfig.CLIENT_SECRET.envVar()).isEqualTo("SWITCHBOARD_CREDENTIALS_<ID>_CLIENT_SECRET");
    }

    @Test
    void missingOrEmptyListIsAProblem() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        assertThat(CredentialsConfig.parse(null, new SecretReferences(ENV), problems)).isEmpty();
        assertThat(CredentialsConfig.parse(credentials("credentials: []"), new SecretReferences(ENV), problems)).isEmpty();
        assertThat(problems.problems()).extracting(ConfigProblem::key).containsExactly("credentials", "credentials");
    }

    @Test
    void genesysRegionGivenAsApiHostGetsAHint() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        parse("""
                credentials:
                  - id: g
                    provider: genesys-cloud
                    region: api.mypurecloud.ie
                    clientId: c
                    clientSecret: ${env:GENESYS_SECRET}
                """, problems);
        assertThat(problems.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("mypurecloud.ie").contains("without 'api.'");
    }

    @Test
    void cognosApiKeyAndOverrides() throws Exception {
        ConfigProblems problems = new ConfigProblems("test.yaml");
        List<CredentialSpec> specs = parse("""
                credentials:
                  - id: cog
                    provider: cognos-analytics
                    baseUrl: http://127.0.0.1:8080/cognos
                    apiKey: ${env:COGNOS_PASSWORD}
                  - id: g
                    provider: genesys-cloud
                    loginBaseUrl: http://127.0.0.1:8080/genesys/login
                    apiBaseUrl: http://127.0.0.1:8080/genesys/api
                    clientAuth: body
                    basicEncoding: form-urlencoded
                    clientId: c
                    clientSecret: ${env:GENESYS_SECRET}
                """, problems);
        assertThat(problems.problems()).isEmpty();
        assertThat(specs.get(0).apiKey().reveal()).isEqualTo("cognos-pass");
        assertThat(specs.get(0).password()).isNull();
        assertThat(specs.get(1).tokenUrl()).isEqualTo("http://127.0.0.1:8080/genesys/login/oauth/token");
        assertThat(specs.get(1).clientAuth()).isEqualTo(ClientAuth.BODY);
        assertThat(specs.get(1).basicEncoding()).isEqualTo(BasicEncoding.FORM_URLENCODED);
    }
}
