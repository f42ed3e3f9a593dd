// Package content is the content service of wxsuite: temporary media (临时素材: upload,
// download, article images), permanent material (永久素材: files, news, listing,
// counting, updating, deleting) and the comments on published articles (图文消息留言).
//
// Uploads are checked by magic bytes, file name extension and size (and AMR and MP3 voice
// by playing time) before anything is sent to WeChat; the file is streamed into the
// multipart/form-data body the platform wants (field media) through a pipe. gRPC and
// Connect carry file bytes in messages; REST takes multipart/form-data on plain routes
// (RouteMediaUpload, RouteMaterialUpload, RouteArticleImageUpload) and serves raw bytes
// on RouteMediaContent and RouteMaterialContent, which check API keys themselves.
// See docs/content.md.
package content
