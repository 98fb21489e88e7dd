/*
 * harness_http.c - a canned HTTP server for what the fake registry does
 * not do on purpose: a gzip bomb, a Retry-After date, a registry that
 * pages a short list.  One thread accepts each connection in turn,
 * answers it with the next canned reply and closes it, keeping the
 * request heads so a test can check what the client sent.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* The head of one request, up to its blank line (or the buffer's end). */
static size_t
read_head(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t k;

	while (got < size - 1 &&
	    (k = read(fd, buf + got, size - 1 - got)) > 0) {
		got += (size_t)k;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	buf[got] = '\0';
	return got;
}

static void *
serve(void *arg)
{
	struct harness_http *h = arg;

	for (size_t i = 0; i < h->n; i++) {
		const struct harness_reply *r = &h->replies[i];
		size_t len = r->len ? r->len : r->body ? strlen(r->body) : 0;
		char buf[sizeof(h->head[0])], head[1024];
		int fd = accept(h->fd, NULL, NULL);

		if (fd < 0)
			break;
		read_head(fd, buf, sizeof(buf));
		if (i < HARNESS_HTTP_KEPT) {
			memcpy(h->head[i], buf, sizeof(buf));
			snprintf(h->line[i], sizeof(h->line[i]), "%.*s",
			    (int)strcspn(buf, "\r\n"), buf);
		}
		snprintf(head, sizeof(head), "%s\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", r->head, len);
		if (write(fd, head, strlen(head)) < 0 ||
		    write(fd, r->body, len) < 0)
			i = h->n;
		close(fd);
		h->served++;
	}
	return NULL;
}

void
harness_http_start(struct harness_http *h, const struct harness_reply *r,
    size_t n)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	memset(h, 0, sizeof(*h));
	h->replies = r;
	h->n = n;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(h->fd, 0);
	cr_assert_eq(bind(h->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(h->fd, 8), 0);
	cr_assert_eq(getsockname(h->fd, (struct sockaddr *)&sa, &sl), 0);
	h->port = ntohs(sa.sin_port);
	cr_assert_eq(pthread_create(&h->thread, NULL, serve, h), 0);
}

char *
harness_http_url(const struct harness_http *h, const char *path)
{
	return harness_fmt("http://127.0.0.1:%d%s", h->port, path);
}

void
harness_http_stop(struct harness_http *h)
{
	shutdown(h->fd, SHUT_RDWR);
	pthread_join(h->thread, NULL);
	close(h->fd);
}
