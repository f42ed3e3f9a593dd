package auth

import "go.uber.org/fx"

// GroupPolicies is the fx value group of []Policy that services contribute.
const GroupPolicies = "auth.policies"

// AsPolicies annotates a constructor returning []Policy into the GroupPolicies group
// (flattened), e.g. fx.Provide(auth.AsPolicies(policies)).
func AsPolicies(f any) any {
	return fx.Annotate(f, fx.ResultTags(`group:"`+GroupPolicies+`,flatten"`))
}
