package sandbox

import "slices"

// menuUserAttrsOf returns what conditional menus match on for u. Callers hold s.mu.
func menuUserAttrsOf(u *User) menuUserAttrs {
	return menuUserAttrs{
		sex: u.Sex, country: u.Country, province: u.Province, city: u.City, language: u.Language,
		tagIDs: slices.Clone(u.TagIDs), platform: u.ClientPlatformType,
	}
}
