package digitalocean

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccountGet(t *testing.T) {
	// The spec's example account plus the live fields it lacks
	// (testdata/live-api-fields.md).
	account := specSchemaExample(t, "account")
	account["reserved_ip_limit"] = 7
	account["volume_limit"] = 100
	var log requestLog
	c, _ := newTestClient(t, log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Ratelimit-Limit", "5000")
		w.Header().Set("Ratelimit-Remaining", "4816")
		w.Header().Set("Ratelimit-Reset", "1444931833")
		writeJSON(w, 200, envelope("account", account))
	})))

	acct, resp, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &Account{
		DropletLimit:    25,
		FloatingIPLimit: 5,
		ReservedIPLimit: 7,
		VolumeLimit:     100,
		Email:           "sammy@digitalocean.com",
		Name:            "Sammy the Shark",
		UUID:            "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
		EmailVerified:   true,
		Status:          AccountStatusActive,
		StatusMessage:   " ",
		Team:            &Team{UUID: "5df3e3004a17e242b7c20ca6c9fc25b701a47ece", Name: "My Team"},
	}, acct)
	assert.Equal(t, 4816, resp.Rate.Remaining)

	got := log.only(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v2/account", got.RequestURI)
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Empty(t, got.Body)
}

func TestAccountGetWithoutTeam(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(200, `{"account":{"droplet_limit":10,"floating_ip_limit":3,
		"email":"solo@example.com","uuid":"u1","email_verified":false,"status":"locked","status_message":"billing"}}`))
	acct, _, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Nil(t, acct.Team)
	assert.Equal(t, AccountStatusLocked, acct.Status)
	assert.Equal(t, "billing", acct.StatusMessage)
	assert.False(t, acct.EmailVerified)
	assert.Zero(t, acct.ReservedIPLimit)
	assert.Zero(t, acct.VolumeLimit)
}

func TestAccountJSONFieldNames(t *testing.T) {
	raw, err := json.Marshal(Account{ReservedIPLimit: 1, VolumeLimit: 2, Team: &Team{Name: "t"}})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	for _, key := range []string{"droplet_limit", "floating_ip_limit", "reserved_ip_limit", "volume_limit",
		"email", "uuid", "email_verified", "status", "status_message", "team"} {
		assert.Contains(t, m, key)
	}
}

func TestAccountGetUnauthorized(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(401, specResponseExample(t, "unauthorized")))
	acct, resp, err := c.Account.Get(context.Background())
	assert.Nil(t, acct)
	require.NotNil(t, resp)
	assert.ErrorIs(t, err, ErrUnauthorized)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "unauthorized", apiErr.ID)
	assert.Equal(t, "Unable to authenticate you.", apiErr.Message)
}

func TestAccountGetRateLimited(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(429, specResponseExample(t, "too_many_requests")))
	_, _, err := c.Account.Get(context.Background())
	assert.ErrorIs(t, err, ErrRateLimited)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "too_many_requests", apiErr.ID)
}
