from shanzhi.lib import apitokens


def test_a_new_token_carries_its_key_id_and_is_unpredictable():
    token, key_id = apitokens.new_token()
    assert token.startswith(f"shz_{key_id}_")
    assert apitokens.key_id(token) == key_id
    assert len(token) == len("shz_") + 8 + 1 + 43
    assert apitokens.new_token()[0] != token


def test_only_well_formed_tokens_have_a_key_id():
    token, _key = apitokens.new_token()
    for bad in ["", "shz_", token[:-1], token + "x", "Bearer " + token, token.upper()]:
        assert apitokens.key_id(bad) is None


def test_the_hash_is_stable_and_differs_per_token():
    token, _key = apitokens.new_token()
    other, _key = apitokens.new_token()
    assert apitokens.token_hash(token) == apitokens.token_hash(token)
    assert apitokens.token_hash(token) != apitokens.token_hash(other)
    assert len(apitokens.token_hash(token)) == 64 and token not in apitokens.token_hash(token)
