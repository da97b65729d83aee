#version 330 core
// One round point per word; colour per vertex unless u_override is set (highlights).
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec4 a_color;
uniform mat4 u_mvp;
uniform float u_size;
uniform vec4 u_override;
out vec4 v_color;
void main()
{
    gl_Position = u_mvp * vec4(a_pos, 1.0);
    gl_PointSize = u_size;
    v_color = u_override.a > 0.0 ? u_override : a_color;
}
