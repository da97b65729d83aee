#version 330 core
// Maps a normalised log density to a translucent blue ramp.
in vec2 v_uv;
uniform sampler2D u_density;
out vec4 fragColor;
void main()
{
    float d = texture(u_density, vec2(v_uv.x, 1.0 - v_uv.y)).r;
    if (d <= 0.0)
        discard;
    vec3 lo = vec3(0.78, 0.85, 0.95);
    vec3 hi = vec3(0.10, 0.25, 0.60);
    fragColor = vec4(mix(lo, hi, d), 0.25 + 0.6 * d);
}
