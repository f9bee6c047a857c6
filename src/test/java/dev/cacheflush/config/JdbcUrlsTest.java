package dev.cacheflush.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
  @Test
  void passwordParametersShouldBeMaskedWhateverTheirCaseOrSeparator() {
    assertThat(JdbcUrls.mask("jdbc:postgresql://db:5432/app?user=app&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=****&ssl=true");
    assertThat(JdbcUrls.mask("jdbc:mariadb://db/app?Password=s3cret"))
        .isEqualTo("jdbc:mariadb://db/app?Password=****");
    assertThat(JdbcUrls.mask("jdbc:postgresql://db/app?sslpassword=k3y&user=u"))
        .isEqualTo("jdbc:postgresql://db/app?sslpassword=****&user=u");
    assertThat(JdbcUrls.mask("jdbc:mysql://(host=db,port=3306,user=u,password=s3cret)/app"))
        .isEqualTo("jdbc:mysql://(host=db,port=3306,user=u,password=****)/app");
    assertThat(JdbcUrls.mask("jdbc:postgresql://db/app;pwd=s3cret"))
        .isEqualTo("jdbc:postgresql://db/app;pwd=****");
  }

  @Test
  void userInfoPasswordsShouldBeMasked() {
    assertThat(JdbcUrls.mask("jdbc:mysql://app:s3cret@db:3306/app"))
        .isEqualTo("jdbc:mysql://app:****@db:3306/app");
  }

  @Test
  void urlsWithoutSecretsShouldStayAsTheyAre() {
    for (String url :
        List.of(
            "jdbc:postgresql://db:5432/app",
            "jdbc:postgresql://db/app?user=app&ssl=true",
            "jdbc:mariadb://db:3306/app?connectTimeout=5000",
            "jdbc:postgresql://db/app?options=a@b")) {
      assertThat(JdbcUrls.mask(url)).isEqualTo(url);
    }
  }

  @Test
  void secretsShouldBeFoundAndScrubbedFromMessages() {
    String url = "jdbc:mysql://app:pw1@db/app?password=pw2";

    assertThat(JdbcUrls.secrets(url)).containsExactlyInAnyOrder("pw1", "pw2");
    assertThat(
            JdbcUrls.scrub(
                "login as app with pw2 failed at " + url, List.of("pw1", "pw2", "envpw")))
        .doesNotContain("pw1")
        .doesNotContain("pw2")
        .contains("failed at jdbc:mysql://app:****@db/app?password=****");
    assertThat(JdbcUrls.scrub("envpw rejected", List.of("envpw"))).isEqualTo("**** rejected");
  }
}
