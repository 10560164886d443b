// trailbox Event history page
